/** `weir run --param` end to end: reserved names and empty values mean the same with either executor (issue 15). */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

const BIN = resolve('bin/weir.js')
let project: string

function weir(args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: project, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', CI: '1' }, timeout: 120_000 })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

beforeAll(async () => {
  project = await mkdtemp(join(tmpdir(), 'weir-e2e-params-'))
  await writeFile(join(project, 'package.json'), '{"type":"module"}')
  await mkdir(join(project, 'handlers'))
  await writeFile(join(project, 'handlers', 'h.ts'), `export const show = (i) => ({ got: i })\n`)
  await writeFile(
    join(project, 'p.yaml'),
    `apiVersion: weir/v1\nkind: Pipeline\nname: params\nparams:\n  s: { type: string, default: the-default }\n  r: { type: string }\ntasks:\n  show:\n    handler: ./handlers/h.ts#show\n    inputs: { s: "\${{ params.s }}", r: "\${{ params.r }}" }\n`,
  )
})

const UNION_SPEC = `apiVersion: weir/v1\nkind: Pipeline\nname: unions\nparams:\n  u: { default: "true" }\n  n: { type: [string, number], default: "42" }\n  o: { type: [object, string] }\ntasks:\n  show:\n    handler: ./handlers/h.ts#show\n    inputs: { u: "\${{ params.u }}", n: "\${{ params.n }}", o: "\${{ params.o }}" }\n`

afterAll(async () => {
  await rm(project, { recursive: true, force: true })
})

describe('reserved param names', () => {
  test.each(['__proto__=1', 'constructor=1', 'prototype={}'])('--param %s is a usage error', (arg) => {
    const r = weir(['run', 'p.yaml', '--param', 'r=x', '--param', arg])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain(`is not a param name weir accepts ('__proto__', 'constructor' and 'prototype' are reserved)`)
  })
})

describe.each(['inprocess', 'subprocess'])('an empty --param value with --executor %s', (executor) => {
  async function outputOf(args: string[]): Promise<{ code: number | null; got?: unknown; stderr: string }> {
    const r = weir(['run', 'p.yaml', '--executor', executor, '--json', '--state-dir', `.weir-${executor}`, ...args])
    if (r.code !== 0) return { code: r.code, stderr: r.stderr }
    const { tasks } = JSON.parse(r.stdout) as { tasks: { show: { output: string } } }
    const { readFile } = await import('node:fs/promises')
    const { fileURLToPath } = await import('node:url')
    const stored = JSON.parse(await readFile(fileURLToPath(tasks.show.output), 'utf8')) as unknown
    return { code: r.code, got: stored, stderr: r.stderr }
  }

  test('is the empty string, not the default', async () => {
    const r = await outputOf(['--param', 's=', '--param', 'r=x'])
    expect(r.code, r.stderr).toBe(0)
    expect(JSON.stringify(r.got)).toContain('"s":""')
  })

  test('gives a required string param the empty string', async () => {
    const r = await outputOf(['--param', 'r='])
    expect(r.code, r.stderr).toBe(0)
    expect(JSON.stringify(r.got)).toContain('"r":""')
    expect(JSON.stringify(r.got)).toContain('"s":"the-default"')
  })
})

describe.each(['inprocess', 'subprocess'])('a string that reads as JSON, of an untyped or union param, with --executor %s', (executor) => {
  // The subprocess executor passed '42' on weir execute's command line as 42, which a union or
  // untyped param reads as JSON: the handler got the number 42 where in process it got '42'.
  test('reaches the handler as the same string', async () => {
    await writeFile(join(project, 'u.yaml'), UNION_SPEC)
    const r = weir(['run', 'u.yaml', '--executor', executor, '--json', '--state-dir', `.weir-u-${executor}`, '--param', 'o="{}"'])
    expect(r.code, r.stderr).toBe(0)
    const { tasks } = JSON.parse(r.stdout) as { tasks: { show: { output: string } } }
    const { readFile } = await import('node:fs/promises')
    const { fileURLToPath } = await import('node:url')
    expect(JSON.parse(await readFile(fileURLToPath(tasks.show.output), 'utf8'))).toEqual({ got: { u: 'true', n: '42', o: '{}' } })
  })
})

describe('a param value nested thousands of levels deep', () => {
  // It overflowed the stack writing the journal's header ("internal error", exit 70), after the
  // run's folder was made: a folder with an empty journal that neither `weir runs` nor gc saw.
  const deep = `${'['.repeat(5000)}${']'.repeat(5000)}`

  test.each([
    ['--param', (args: string[]) => weir([...args, '--param', `a=${deep}`])],
    ['--params-stdin', (args: string[]) => weirWithStdin([...args, '--params-stdin'], `{"a":${deep}}`)],
  ])('given with %s is a usage error naming the param, and no run folder is made', async (_how, run) => {
    await writeFile(join(project, 'deep.yaml'), `apiVersion: weir/v1\nkind: Pipeline\nname: deep\nparams:\n  a: { type: array }\ntasks:\n  show:\n    handler: ./handlers/h.ts#show\n    inputs: { a: "\${{ params.a }}" }\n`)
    const r = run(['run', 'deep.yaml', '--state-dir', '.weir-deep'])
    expect(r.code, r.stderr).toBe(2)
    expect(r.stderr).toContain("weir: run: Param 'a' holds collections nested more than 128 levels deep")
    expect(existsSync(join(project, '.weir-deep', 'runs'))).toBe(false)
  })
})

function weirWithStdin(args: string[], input: string) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: project, input, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', CI: '1' }, timeout: 120_000 })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

describe.each(['inprocess', 'subprocess'])('-0 in params and literal inputs, with --executor %s', (executor) => {
  // JSON writes -0 as 0: a handler in process saw -0 (Object.is(x, -0)) where one in a subprocess saw 0.
  test('reaches the handler as 0, from a default, --param, --params-stdin and a literal', async () => {
    await writeFile(join(project, 'handlers', 'sign.ts'), 'export const sign = (i: Record<string, unknown>) => ({ negative: Object.keys(i).filter((k) => Object.is(i[k], -0) || Object.is((i[k] as number[])[0], -0)) })\n')
    await writeFile(
      join(project, 'zero.yaml'),
      'apiVersion: weir/v1\nkind: Pipeline\nname: zero\nparams:\n  d: { type: number, default: -0 }\n  g: { type: number }\n  s: { type: array, default: [1] }\ntasks:\n  sign:\n    handler: ./handlers/sign.ts#sign\n    inputs: { d: "${{ params.d }}", g: "${{ params.g }}", s: "${{ params.s }}", l: -0, n: [-0] }\n',
    )
    const r = spawnSync(process.execPath, [BIN, 'run', 'zero.yaml', '--executor', executor, '--json', '--state-dir', `.weir-zero-${executor}`, '--param', 'g=-0', '--params-stdin'], {
      cwd: project, encoding: 'utf8', input: '{"s": [-0]}', env: { ...process.env, NO_COLOR: '1', CI: '1' }, timeout: 120_000,
    })
    expect(r.status, r.stderr).toBe(0)
    const { tasks } = JSON.parse(r.stdout) as { tasks: { sign: { output: string } } }
    const { readFile } = await import('node:fs/promises')
    const { fileURLToPath } = await import('node:url')
    expect(JSON.parse(await readFile(fileURLToPath(tasks.sign.output), 'utf8'))).toEqual({ negative: [] })
  })
})

describe('a param value holding a NUL character (U+0000)', () => {
  test.each(['inprocess', 'subprocess'])('is a usage error with --executor %s, naming the param and never quoting the secret', async (executor) => {
    await writeFile(join(project, 'nul.yaml'), `apiVersion: weir/v1\nkind: Pipeline\nname: nul\nparams:\n  tok: { type: string, writeOnly: true }\ntasks:\n  show:\n    handler: ./handlers/h.ts#show\n    inputs: { t: "\${{ params.tok }}" }\n`)
    const r = spawnSync(process.execPath, [BIN, 'run', 'nul.yaml', '--params-stdin', '--executor', executor, '--state-dir', `nul-${executor}`], { cwd: project, encoding: 'utf8', input: '{"tok":"NULSECRETab\\u0000cd"}', env: { ...process.env, NO_COLOR: '1', CI: '1' }, timeout: 120_000 })
    expect(r.status).toBe(2)
    expect(r.stderr).toContain("weir: run: Param 'tok' holds a NUL character (U+0000);")
    expect(r.stdout + r.stderr).not.toContain('NULSECRET')
    // Refused before the run started: nothing recorded.
    expect(existsSync(join(project, `nul-${executor}`, 'runs'))).toBe(false)
  })
})
