/**
 * The plain display (stdout not a terminal: CI logs) gathers its lines and writes them once per turn
 * of the event loop (issue 16). Every state change still reaches the log, in order, however the
 * process ends: normally, by a handler calling process.exit, or by an uncaught error in a handler.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { spawnSync } from 'node:child_process'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

const BIN = resolve('bin/weir.js')
let root: string

const HANDLERS = `export const ok = () => 1
export const exits = () => { process.exit(7) }
export const crashes = () => new Promise(() => { setImmediate(() => { throw new Error('uncaught in a handler') }) })
`

/** 30 tasks that succeed side by side, then \`last\` (after all of them), whose handler is \`lastHandler\`. */
function spec(lastHandler: string): string {
  let text = 'apiVersion: weir/v1\nkind: Pipeline\nname: display\ntasks:\n'
  for (let i = 0; i < 30; i++) text += `  t${i}:\n    handler: ./handlers.js#ok\n`
  text += `  last:\n    handler: ./handlers.js#${lastHandler}\n    needs: [${Array.from({ length: 30 }, (_, i) => `t${i}`).join(', ')}]\n`
  return text
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'weir-run-display-'))
  await mkdir(root, { recursive: true })
  await writeFile(join(root, 'package.json'), '{ "name": "display", "type": "module" }\n')
  await writeFile(join(root, 'handlers.js'), HANDLERS)
  for (const name of ['ok', 'exits', 'crashes']) await writeFile(join(root, `${name}.yaml`), spec(name))
})
afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true })
})

function run(name: string) {
  const r = spawnSync(process.execPath, [BIN, 'run', `${name}.yaml`, '--concurrency', '4', '--state-dir', `.weir-${name}`], { cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', CI: '1' }, timeout: 60_000 })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

/** Every task's lines, in the order they must come: started before succeeded, each once. */
function expectEveryStateChange(stdout: string, lastLine: RegExp): void {
  const lines = stdout.split('\n')
  expect(lines[0]).toMatch(/^run \S+ of display: 31 tasks$/)
  for (let i = 0; i < 30; i++) {
    const started = lines.findIndex((l) => new RegExp(`^\\S+ t${i} started$`).test(l))
    const succeeded = lines.findIndex((l) => new RegExp(`^\\S+ t${i} succeeded`).test(l))
    expect(started, `t${i} started`).toBeGreaterThan(0)
    expect(succeeded, `t${i} succeeded`).toBeGreaterThan(started)
    expect(lines.filter((l) => new RegExp(` t${i} (started|succeeded)`).test(l))).toHaveLength(2)
  }
  const last = lines.findIndex((l) => lastLine.test(l))
  expect(last, String(lastLine)).toBeGreaterThan(0)
  expect(lines.slice(0, last).filter((l) => / succeeded/.test(l))).toHaveLength(30)
}

describe('the plain display', () => {
  test('shows every state change in order, then the summary', () => {
    const r = run('ok')
    expect(r.code, r.stderr).toBe(0)
    expectEveryStateChange(r.stdout, /^\S+ last succeeded/)
    expect(r.stdout.indexOf('last succeeded')).toBeLessThan(r.stdout.indexOf('31 succeeded'))
  })

  test('loses no line when a handler calls process.exit', () => {
    const r = run('exits')
    // The handler's process.exit(7) ends the run; weir exits 1 (its code is weir's, running.md).
    expect(r.code).toBe(1)
    expectEveryStateChange(r.stdout, /^\S+ last started$/)
  })

  test('loses no line when a handler throws where nothing catches it', () => {
    const r = run('crashes')
    expect(r.code).not.toBe(0)
    expect(r.stderr).toMatch(/uncaught in a handler/)
    expectEveryStateChange(r.stdout, /^\S+ last started$/)
  })
})
