/**
 * A task's log reads the same in process and in a subprocess (remote.md): a message of several
 * lines is one entry per line, each with its level, and a message that is no string (an Error, a
 * number, an object) is logged as its text, never failing the task that logged it.
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
`,
  )
  writeFileSync(join(dir, 'p.yaml'), 'apiVersion: weir/v1\nkind: Pipeline\nname: logs\ntasks:\n  chatty:\n    handler: ./handlers/h.js#chatty\n')
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** The task log of a run of p.yaml, without the times. */
function taskLog(extra: string[]): { status: string; lines: string[] } {
  const ran = spawnSync(process.execPath, [WEIR, 'run', 'p.yaml', '--json', ...extra], { cwd: dir, encoding: 'utf8' })
  const { runId, status } = JSON.parse(ran.stdout) as { runId: string; status: string }
  const shown = JSON.parse(spawnSync(process.execPath, [WEIR, 'runs', 'show', runId, '--json'], { cwd: dir, encoding: 'utf8' }).stdout) as { logDir: string }
  const lines = readFileSync(join(shown.logDir, 'chatty.log'), 'utf8').trimEnd().split('\n').map((l) => l.replace(/^\S+ /, ''))
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
})
