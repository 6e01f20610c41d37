/**
 * A task's log reads the same in process and in a subprocess (remote.md): a message of several
 * lines is one entry per line, each with its level, and a message that is no string (an Error, a
 * number, an object) is logged as its text, never failing the task that logged it. An item of a
 * mapped task tags every one of its lines with `[item N]`, with either executor.
 */
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'

const WEIR = resolve('bin/weir.js')
let dir: string

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'weir-log-lines-'))
  mkdirSync(join(dir, 'handlers'))
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n')
  writeFileSync(
    join(dir, 'handlers/h.js'),
    `export function chatty(_inputs, ctx) {
  ctx.log.warn('multi\\nline\\r\\nmessage')
  ctx.log.error(new Error('db down'))
  ctx.log.info(42)
  ctx.log.info({ toString() { throw new Error('no') } })
  ctx.log.debug('with fields', { n: 1 })
  return 'handled'
}
export function item(inputs, ctx) {
  ctx.log.info(\`line one of \${inputs.i}\nline two of \${inputs.i}\`)
  if (inputs.i === 1) throw new Error('multi\\nline error')
  return 1
}
`,
  )
  writeFileSync(join(dir, 'map.yaml'), 'apiVersion: weir/v1\nkind: Pipeline\nname: maplogs\ntasks:\n  m:\n    handler: ./handlers/h.js#item\n    foreach: { items: [0, 1], concurrency: 1 }\n    inputs: { i: "${{ item }}" }\n')
  writeFileSync(join(dir, 'p.yaml'), 'apiVersion: weir/v1\nkind: Pipeline\nname: logs\ntasks:\n  chatty:\n    handler: ./handlers/h.js#chatty\n')
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** The log of a task of a run of a spec (p.yaml's chatty by default), without the times. */
function taskLog(extra: string[], spec = 'p.yaml', task = 'chatty'): { status: string; lines: string[] } {
  const ran = spawnSync(process.execPath, [WEIR, 'run', spec, '--json', ...extra], { cwd: dir, encoding: 'utf8' })
  const { runId, status } = JSON.parse(ran.stdout) as { runId: string; status: string }
  const shown = JSON.parse(spawnSync(process.execPath, [WEIR, 'runs', 'show', runId, '--json'], { cwd: dir, encoding: 'utf8' }).stdout) as { logDir: string }
  const lines = readFileSync(join(shown.logDir, `${task}.log`), 'utf8').trimEnd().split('\n').map((l) => l.replace(/^\S+ /, ''))
  return { status, lines }
}

describe('task log lines', () => {
  test('are the same in process and in a subprocess, a line each, whatever the handler passed', () => {
    const inProcess = taskLog([])
    const subprocess = taskLog(['--executor', 'subprocess'])
    expect(inProcess.status).toBe('succeeded')
    expect(subprocess.status).toBe('succeeded')
    expect(inProcess.lines).toEqual([
      '[attempt 1] WARN  multi',
      '[attempt 1] WARN  line',
      '[attempt 1] WARN  message',
      '[attempt 1] ERROR Error: db down',
      '[attempt 1] INFO  42',
      '[attempt 1] INFO  [object Object]',
      '[attempt 1] DEBUG with fields {"n":1}',
    ])
    expect(subprocess.lines).toEqual(inProcess.lines)
  })

  test('of an item name the item on every line, in process and in a subprocess: multi-line messages, errors and stacks', () => {
    const inProcess = taskLog([], 'map.yaml', 'm')
    const subprocess = taskLog(['--executor', 'subprocess'], 'map.yaml', 'm')
    expect(inProcess.status).toBe('failed')
    expect(subprocess.status).toBe('failed')
    for (const { lines } of [inProcess, subprocess]) {
      expect(lines.filter((l) => !/^\[attempt 1\] \w+ +\[item [01]\] /.test(l))).toEqual([])
      expect(lines.filter((l) => l.includes(' INFO '))).toEqual(['[attempt 1] INFO  [item 0] line one of 0', '[attempt 1] INFO  [item 0] line two of 0', '[attempt 1] INFO  [item 1] line one of 1', '[attempt 1] INFO  [item 1] line two of 1'])
      expect(lines).toEqual(expect.arrayContaining(['[attempt 1] ERROR [item 1] HANDLER_ERROR: multi', '[attempt 1] ERROR [item 1] line error', '[attempt 1] ERROR [item 1] Error: multi']))
      expect(lines.some((l) => /^\[attempt 1\] ERROR \[item 1\]     at item \(/.test(l))).toBe(true)
    }
    // Line for line the same but for stack frames (which name the bundle that ran the handler):
    // the subprocess log had weir execute's own "weir: execute: task 'm': HANDLER_ERROR: …" too.
    const notStack = (lines: string[]) => lines.filter((l) => !/\] +at /.test(l))
    expect(notStack(subprocess.lines)).toEqual(notStack(inProcess.lines))
  })
})
