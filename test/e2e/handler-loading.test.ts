/**
 * How `weir run` and `weir execute` load handlers and the spec (issue 16): plain JavaScript handlers
 * are imported by Node itself (jiti, which compiles TypeScript, turns ES modules into functions where
 * `require` is defined); a `weir execute` told the sha256 of the spec text its run validated
 * (WEIR_SPEC_SHA256) still validates a spec file that changed since.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
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

describe('weir execute with the hash of the spec its run validated', () => {
  const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex')

  test('runs the task when the spec file still holds that text', () => {
    const r = weir(['execute', '--spec', 'spec.yaml', '--task', 'mjs', '--run-id', 'same'], { WEIR_SPEC_SHA256: sha256(SPEC) })
    expect(r.code, r.stderr).toBe(0)
  })

  test('validates a spec that changed since the run started, and refuses it when it is now invalid', async () => {
    const changed = SPEC.replace('needs: [mjs, js]', 'needs: [mjs, nowhere]')
    await writeFile(join(root, 'changed.yaml'), changed)
    const r = weir(['execute', '--spec', 'changed.yaml', '--task', 'mjs', '--run-id', 'changed'], { WEIR_SPEC_SHA256: sha256(SPEC) })
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/changed\.yaml:\d+:\d+: \w+: .*nowhere/)
    expect(r.stderr).not.toMatch(/\n\s+at /)
  })

  test('a hash that matches no text is no way around the validation', async () => {
    await writeFile(join(root, 'invalid.yaml'), 'apiVersion: weir/v1\nkind: Pipeline\nname: bad\ntasks:\n  a: { handler: ./handlers/native.mjs#check, needs: [a] }\n')
    const r = weir(['execute', '--spec', 'invalid.yaml', '--task', 'a', '--run-id', 'forged'], { WEIR_SPEC_SHA256: 'f'.repeat(64) })
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/invalid\.yaml:5:\d+/)
  })
})
