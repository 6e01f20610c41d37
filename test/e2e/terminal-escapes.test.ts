/**
 * Text a handler makes (its error messages, its log lines, the errors of its items) reaches the
 * terminal through `weir run` and `weir runs show`. Error messages and logs often carry outside data
 * (an HTTP body, a file name): written as they are, ESC sequences would retitle the terminal, clear
 * or fake lines, and bidi overrides would reorder them. They are shown as escapes, as
 * `weir spec validate` shows a spec's (src/cli/escape-controls.ts); the run store keeps the text as it was.
 */
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'

const WEIR = resolve('bin/weir.js')
const HOSTILE = 'x\u001b]0;PWNED\u0007y\u001b[2K\rfake ok\u202egnp.exe'
let dir: string

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'weir-escapes-'))
  mkdirSync(join(dir, 'handlers'))
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n')
  writeFileSync(
    join(dir, 'handlers/h.js'),
    `const hostile = ${JSON.stringify(HOSTILE)}
export function loud(_inputs, ctx) { ctx.log.info('log ' + hostile); throw new Error('boom ' + hostile) }
export function coded() { const e = new Error('auth failed'); e.code = 'X\\n✓ other succeeded in 1ms\\n' + hostile; throw e }
export function each(inputs) { if (inputs.item === 1) throw new Error('item ' + hostile) }
`,
  )
  writeFileSync(
    join(dir, 'p.yaml'),
    'apiVersion: weir/v1\nkind: Pipeline\nname: esc\ntasks:\n  loud:\n    handler: ./handlers/h.js#loud\n  coded:\n    handler: ./handlers/h.js#coded\n  fan:\n    handler: ./handlers/h.js#each\n    foreach: [0, 1]\n    inputs: { item: "${{ item }}" }\n',
  )
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const weir = (args: string[]) => spawnSync(process.execPath, [WEIR, ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } })
const RAW = /[\u001b\u0007\r\u202e]/

describe('handler text on the terminal', () => {
  test.each([[[] as string[]], [['--executor', 'subprocess']]])('weir run %j and weir runs show print it escaped', (extra) => {
    const ran = weir(['run', 'p.yaml', ...extra])
    expect(ran.status).toBe(1)
    const out = ran.stdout + ran.stderr
    expect(out).toContain('boom x\\u001b]0;PWNED\\u0007y\\u001b[2K\\rfake ok\\u202egnp.exe')
    expect(out).toContain('item x\\u001b]0;PWNED')
    expect(out).not.toMatch(RAW)
    // An error's code that is no token (here it would forge a line of the report) gives way to HANDLER_ERROR.
    expect(out).toContain('✗ coded: HANDLER_ERROR: auth failed')
    expect(out).not.toContain('other succeeded')
    const shown = weir(['runs', 'show', 'latest'])
    expect(shown.status).toBe(0)
    expect(shown.stdout).toContain('log x\\u001b]0;PWNED')
    expect(shown.stdout).toContain('boom x\\u001b]0;PWNED')
    expect(shown.stdout + shown.stderr).not.toMatch(RAW)
  })

  test('the run store keeps the text as the handler wrote it', () => {
    const ran = weir(['run', 'p.yaml', '--json'])
    expect(ran.status).toBe(1)
    const { runId } = JSON.parse(ran.stdout) as { runId: string }
    const shown = JSON.parse(weir(['runs', 'show', runId, '--json']).stdout) as { logDir: string; tasks: Record<string, { error: { message: string } }> }
    expect(shown.tasks.loud!.error.message).toBe(`boom ${HOSTILE}`)
    // Split at its line breaks (\r among them) into one entry per line, as every task log is.
    expect(readFileSync(join(shown.logDir, 'loud.log'), 'utf8')).toContain(`log ${HOSTILE.slice(0, HOSTILE.indexOf('\r'))}\n`)
  })
})
