/**
 * Large handler modules through the built CLI (dist/ must be built). `weir spec validate` reads a
 * handler module to check its exports: a bundle of 9 MB (TypeScript's typescript.js) took a minute,
 * because telling an import specifier from another string matched the whole text read so far, once
 * per string; and a sparse module of 3 GB took 23 s and 4 GB of memory before V8 refused it. The
 * spawn timeout only keeps a regression from hanging the suite: the old code needed hours here.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { spawnSync } from 'node:child_process'
import { mkdtemp, rm, truncate, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

const BIN = resolve('bin/weir.js')
let project: string

function validate(spec: string) {
  const r = spawnSync(process.execPath, [BIN, 'spec', 'validate', spec], { cwd: project, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', CI: '1' }, timeout: 120_000, killSignal: 'SIGKILL' })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

const spec = (handler: string) => `apiVersion: weir/v1\nkind: Pipeline\nname: large\ntasks:\n  t:\n    handler: ${handler}\n`

beforeAll(async () => {
  project = await mkdtemp(join(tmpdir(), 'weir-e2e-large-modules-'))
  await writeFile(join(project, 'package.json'), '{"type":"module"}')
})

afterAll(async () => {
  await rm(project, { recursive: true, force: true })
})

describe('a large handler module', () => {
  test('a 10 MB bundle of many strings is read, and its exports checked', async () => {
    const lines = Array.from({ length: 400_000 }, (_, i) => `const s${i} = "text ${i}" + 'more'\n`)
    await writeFile(join(project, 'bundle.js'), `${lines.join('')}export function handler() {}\n`)
    await writeFile(join(project, 'ok.yaml'), spec('./bundle.js#handler'))
    await writeFile(join(project, 'missing.yaml'), spec('./bundle.js#nope'))
    expect(validate('ok.yaml')).toMatchObject({ code: 0, stdout: 'No problems (1 file checked).\n' })
    const missing = validate('missing.yaml')
    expect(missing.code).toBe(1)
    expect(missing.stdout).toContain("HANDLER_EXPORT_MISSING: Module './bundle.js' has no export 'nope' for task 't'")
  })

  test('a module over 50 MB is not read: a warning at the handler reference, and the spec is valid', async () => {
    await writeFile(join(project, 'sparse.js'), 'export function x() {}\n')
    await truncate(join(project, 'sparse.js'), 3 * 1024 ** 3)
    await writeFile(join(project, 'sparse.yaml'), spec('./sparse.js#x'))
    const r = validate('sparse.yaml')
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toContain("sparse.yaml:6:14: warning HANDLER_NOT_CHECKED: Handler module './sparse.js' of task 't' is 3.0 GB, more than the 50 MB weir reads to find exports")
  })
})
