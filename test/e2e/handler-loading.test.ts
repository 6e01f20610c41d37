/**
 * How `weir run` and `weir execute` load handlers and the spec (issue 16): plain JavaScript handlers
 * are imported by Node itself (jiti, which compiles TypeScript, turns ES modules into functions where
 * `require` is defined); a `weir execute` told the sha256 of the spec text its run validated
 * (WEIR_SPEC_SHA256) refuses a spec file that changed since, and a run whose spec changes mid-run
 * fails the tasks that start after the change.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

const BIN = resolve('bin/weir.js')
let root: string

const NATIVE = `export function check() {
  if (typeof require !== 'undefined') throw new Error('compiled by jiti, not imported by Node')
  return 'native'
}
`
const SPEC = `apiVersion: weir/v1
kind: Pipeline
name: loading
tasks:
  mjs:
    handler: ./handlers/native.mjs#check
  js:
    handler: ./handlers/native.js#check
  ts:
    handler: ./handlers/typed.ts#check
    needs: [mjs, js]
`

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'weir-handler-loading-'))
  await mkdir(join(root, 'handlers'))
  await writeFile(join(root, 'package.json'), '{ "name": "loading", "type": "module" }\n')
  await writeFile(join(root, 'handlers', 'native.mjs'), NATIVE)
  await writeFile(join(root, 'handlers', 'native.js'), NATIVE)
  await writeFile(join(root, 'handlers', 'typed.ts'), "export const check = (): string => 'typed'\n")
  await writeFile(join(root, 'spec.yaml'), SPEC)
})
afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true })
})

function weir(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', ...env }, timeout: 60_000 })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

describe('handlers in plain JavaScript', () => {
  test.each(['inprocess', 'subprocess'])('are imported natively, and TypeScript still loads (%s executor)', (executor) => {
    const r = weir(['run', 'spec.yaml', '--executor', executor, '--json', '--state-dir', `.weir-${executor}`])
    expect(r.code, r.stderr).toBe(0)
    const result = JSON.parse(r.stdout) as { tasks: Record<string, { status: string }> }
    expect(Object.fromEntries(Object.entries(result.tasks).map(([id, t]) => [id, t.status]))).toEqual({ mjs: 'succeeded', js: 'succeeded', ts: 'succeeded' })
  })
})

describe('ES module handlers are required, not imported, where Node can', () => {
  // Starting Node's import() machinery (resolve, load, fs/promises, readline) costs a weir execute
  // process ~1.5 ms; Node 20.19 requires ES modules, unless they use top-level await.
  const TLA = "const ready = await Promise.resolve('awaited')\nexport const check = () => ready\n"
  const TLA_SPEC = 'apiVersion: weir/v1\nkind: Pipeline\nname: tla\ntasks:\n  awaits:\n    handler: ./handlers/tla.js#check\n  plain:\n    handler: ./handlers/native.js#check\n'

  test.each(['inprocess', 'subprocess'])('a module with top-level await still loads, by import (%s executor)', async (executor) => {
    await writeFile(join(root, 'handlers', 'tla.js'), TLA)
    await writeFile(join(root, 'tla.yaml'), TLA_SPEC)
    const r = weir(['run', 'tla.yaml', '--executor', executor, '--json', '--state-dir', `.weir-tla-${executor}`])
    expect(r.code, r.stderr).toBe(0)
    const result = JSON.parse(r.stdout) as { tasks: Record<string, { status: string; output?: unknown }> }
    expect(result.tasks.awaits?.status).toBe('succeeded')
    expect(result.tasks.plain?.status).toBe('succeeded')
  })

  test('weir execute of an ES module handler does not start the import() loader', async () => {
    await writeFile(join(root, 'handlers', 'tla.js'), TLA)
    await writeFile(join(root, 'tla.yaml'), TLA_SPEC)
    const hook = join(root, 'dump-internals.cjs')
    await writeFile(hook, "process.on('exit', () => require('node:fs').writeSync(2, 'INTERNALS ' + JSON.stringify(process.moduleLoadList) + '\\n'))\n")
    const internals = (task: string): string[] => {
      const r = spawnSync(process.execPath, ['--require', hook, BIN, 'execute', '--spec', 'tla.yaml', '--task', task, '--run-id', `r-${task}`, '--state-dir', '.weir-tla-execute'], { cwd: root, encoding: 'utf8', timeout: 60_000 })
      expect(r.status, r.stderr).toBe(0)
      return JSON.parse(/INTERNALS (.*)/.exec(r.stderr)![1]!) as string[]
    }
    const resolver = 'NativeModule internal/modules/esm/resolve'
    expect(internals('plain')).not.toContain(resolver)
    // The probe sees it when it is there: a module with top-level await is imported.
    expect(internals('awaits')).toContain(resolver)
  })

  test('weir execute of a TypeScript handler loads jiti without node:assert or the ES module resolver, and jiti still reports errors', async () => {
    // jiti's core requires node:assert, node:fs/promises and node:v8 at load and needs them only on rare paths
    // (src/cli/deferred-builtins.ts): deferred, they are ~3 ms less per process.
    await writeFile(join(root, 'ts.yaml'), 'apiVersion: weir/v1\nkind: Pipeline\nname: ts\ntasks:\n  typed:\n    handler: ./handlers/typed.ts#check\n  broken:\n    handler: ./handlers/broken.ts#check\n')
    await writeFile(join(root, 'handlers', 'broken.ts'), "import { missing } from './nowhere.ts'\nexport const check = (): string => missing\n")
    // As in a project: a node_modules folder, where jiti keeps what it compiled (Babel, which the first
    // process loads to compile, needs node:assert itself).
    await mkdir(join(root, 'node_modules'), { recursive: true })
    expect(weir(['execute', '--spec', 'ts.yaml', '--task', 'typed', '--run-id', 'r-ts-first', '--state-dir', '.weir-ts-execute']).code).toBe(0)
    const hook = join(root, 'dump-internals.cjs')
    await writeFile(hook, "process.on('exit', () => require('node:fs').writeSync(2, 'INTERNALS ' + JSON.stringify(process.moduleLoadList) + '\\n'))\n")
    const r = spawnSync(process.execPath, ['--require', hook, BIN, 'execute', '--spec', 'ts.yaml', '--task', 'typed', '--run-id', 'r-ts', '--state-dir', '.weir-ts-execute'], { cwd: root, encoding: 'utf8', timeout: 60_000 })
    expect(r.status, r.stderr).toBe(0)
    const loaded = JSON.parse(/INTERNALS (.*)/.exec(r.stderr)![1]!) as string[]
    expect(loaded).toContain('NativeModule vm')
    expect(loaded).not.toContain('NativeModule assert')
    expect(loaded).not.toContain('NativeModule fs/promises')
    expect(loaded).not.toContain('NativeModule v8')
    // jiti is found without require.resolve, which reads its package's `exports` with the ES module resolver.
    expect(loaded).not.toContain('NativeModule internal/modules/esm/resolve')
    const broken = weir(['execute', '--spec', 'ts.yaml', '--task', 'broken', '--run-id', 'r-ts-broken', '--state-dir', '.weir-ts-execute'])
    expect(broken.code).not.toBe(0)
    expect(broken.stderr).toContain('nowhere.ts')
    expect(broken.stderr).not.toMatch(/TypeError|Proxy/)
  })
})

describe('weir execute with the hash of the spec its run validated', () => {
  const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex')

  test('runs the task when the spec file still holds that text', () => {
    const r = weir(['execute', '--spec', 'spec.yaml', '--task', 'mjs', '--run-id', 'same'], { WEIR_SPEC_SHA256: sha256(SPEC) })
    expect(r.code, r.stderr).toBe(0)
  })

  test('refuses a spec that changed since the run started, valid or not, and runs nothing', async () => {
    const valid = SPEC.replace('needs: [mjs, js]', 'needs: [mjs]')
    const invalid = SPEC.replace('needs: [mjs, js]', 'needs: [mjs, nowhere]')
    for (const [name, text] of [['changed.yaml', valid], ['changed-invalid.yaml', invalid]] as const) {
      await writeFile(join(root, name), text)
      const r = weir(['execute', '--spec', name, '--task', 'mjs', '--run-id', `changed-${name}`, '--state-dir', '.weir-changed'], { WEIR_SPEC_SHA256: sha256(SPEC) })
      expect(r.code, r.stderr).toBe(2)
      expect(r.stderr).toContain(`execute: ${name} changed since the run started (its sha256 is ${sha256(text).slice(0, 12)}…, the run validated ${sha256(SPEC).slice(0, 12)}…); the task is not run.`)
      expect(r.stderr).not.toMatch(/\n\s+at /)
    }
    expect(existsSync(join(root, '.weir-changed', 'data'))).toBe(false)
  })

  test('a hash that matches no text is no way around the validation', async () => {
    await writeFile(join(root, 'invalid.yaml'), 'apiVersion: weir/v1\nkind: Pipeline\nname: bad\ntasks:\n  a: { handler: ./handlers/native.mjs#check, needs: [a] }\n')
    const r = weir(['execute', '--spec', 'invalid.yaml', '--task', 'a', '--run-id', 'forged'], { WEIR_SPEC_SHA256: 'f'.repeat(64) })
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/invalid\.yaml changed since the run started/)
  })

  test('a spec only the careful parser reads is validated in full, and runs when its text is the one the run validated', async () => {
    // A tag keeps the fast parser away (fast-parse.ts): the hash is checked on the text all the same.
    const tagged = SPEC.replace('name: loading', 'name: !!str loading')
    await writeFile(join(root, 'tagged.yaml'), tagged)
    expect(weir(['execute', '--spec', 'tagged.yaml', '--task', 'mjs', '--run-id', 'tagged'], { WEIR_SPEC_SHA256: sha256(tagged) }).code).toBe(0)
    const r = weir(['execute', '--spec', 'tagged.yaml', '--task', 'mjs', '--run-id', 'tagged-stale'], { WEIR_SPEC_SHA256: sha256(SPEC) })
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/tagged\.yaml changed since the run started/)
  })
})

describe('a spec changed during weir run --executor subprocess', () => {
  test('the tasks that start after the change fail with the reason; those before it succeeded', async () => {
    const spec = `apiVersion: weir/v1
kind: Pipeline
name: edited
tasks:
  edit:
    handler: ./handlers/edit.mjs#edit
  after:
    handler: ./handlers/native.mjs#check
    needs: [edit]
    retries: 2
`
    // The first task rewrites the spec (a comment more: the same pipeline, another text).
    await writeFile(join(root, 'handlers', 'edit.mjs'), `import { appendFileSync } from 'node:fs'\nexport function edit() { appendFileSync('edited.yaml', '# edited\\n') }\n`)
    await writeFile(join(root, 'edited.yaml'), spec)
    const r = weir(['run', 'edited.yaml', '--executor', 'subprocess', '--json', '--state-dir', '.weir-edited'])
    expect(r.code).toBe(1)
    const result = JSON.parse(r.stdout) as { tasks: Record<string, { status: string; attempts?: number; error?: { message: string } }> }
    expect(result.tasks.edit!.status).toBe('succeeded')
    expect(result.tasks.after!.status).toBe('failed')
    expect(result.tasks.after!.error!.message).toMatch(/edited\.yaml changed since the run started/)
    // Exit 2: no retry can help, so none is tried.
    expect(result.tasks.after!.attempts).toBe(1)
  })
})
