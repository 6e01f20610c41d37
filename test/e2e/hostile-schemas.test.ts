/**
 * Param schemas written to stall weir, through the built CLI (dist/ must be built). A `pattern` that
 * backtracks without end (`^(a+)+$` on `aaaa…!`: time doubling per `a`) hung `weir spec validate`,
 * `weir run`, `weir graph` and `weir codegen` (one spec in a pull request blocked CI); now each says
 * which param's pattern took too long. The spawn timeout only keeps a regression from hanging the
 * suite: the old code needed hours on these values.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { spawnSync } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

const BIN = resolve('bin/weir.js')
const HOURS = `${'a'.repeat(48)}!`
let project: string

function weir(args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: project, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', CI: '1' }, timeout: 120_000, killSignal: 'SIGKILL' })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

beforeAll(async () => {
  project = await mkdtemp(join(tmpdir(), 'weir-e2e-hostile-'))
  await writeFile(join(project, 'package.json'), '{"type":"module"}')
  await writeFile(join(project, 'h.ts'), 'export const show = (i: unknown) => ({ got: i })\n')
  const spec = (param: string) => `apiVersion: weir/v1\nkind: Pipeline\nname: hostile\nparams:\n${param}\ntasks:\n  show:\n    handler: ./h.ts#show\n    inputs: { p: "\${{ params.p }}" }\n`
  await writeFile(join(project, 'default.yaml'), spec(`  p: { type: string, pattern: "^(a+)+$", default: "${HOURS}" }`))
  await writeFile(join(project, 'given.yaml'), spec('  p: { type: string, pattern: "^(a+)+$" }'))
})

afterAll(async () => {
  await rm(project, { recursive: true, force: true })
})

describe('a pattern that backtracks without end', () => {
  test('weir spec validate: a diagnostic at the default, naming the param and the pattern', () => {
    const r = weir(['spec', 'validate', 'default.yaml'])
    expect(r.code).toBe(1)
    expect(r.stdout).toContain(`default.yaml:5:51: error INVALID_DEFAULT: The default of param 'p' could not be checked: its pattern '^(a+)+$' took longer than 250 ms on this value; simplify the pattern`)
    expect(r.stdout + r.stderr).not.toMatch(/\n\s+at /) // no stack trace
  })

  test.each([['graph', 'default.yaml'], ['codegen', 'default.yaml', '--target', 'types', '--out', 'gen']])('weir %s stops at the same diagnostic', (...args) => {
    const r = weir(args)
    expect(r.code).not.toBe(0)
    expect(r.code).not.toBeNull() // ended on its own
    expect(r.stdout + r.stderr).toContain("The default of param 'p' could not be checked: its pattern '^(a+)+$' took longer than 250 ms")
  })

  test('weir run --param: PARAM_INVALID before any task, naming the param', () => {
    const r = weir(['run', 'given.yaml', '--param', `p=${HOURS}`])
    expect(r.code).toBe(2) // as any invalid --param
    expect(r.stderr).toContain(`Param 'p' is invalid: value could not be checked: pattern "^(a+)+$" took longer than 250 ms on it; simplify the pattern`)
    expect(r.stdout).not.toContain('show')
  })

  test('weir run with a value the pattern answers quickly runs as before', () => {
    const r = weir(['run', 'given.yaml', '--param', 'p=aaaa'])
    expect(r.code).toBe(0)
  })
})
