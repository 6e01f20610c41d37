// weir ui follows changes to the handler modules a spec names, not only to the spec file, and a
// start refused for an invalid spec says why (the errors, not "fix the errors above").
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { findSpecFiles } from '../../../src/cli/find-specs.ts'
import { builtinCatalog } from '../../../src/plugins/catalog.ts'
import { forgetProjectRoots } from '../../../src/spec/project-root.ts'
import { createSpecIndex } from '../../../src/ui/server/spec-index.ts'
import type { SpecIndex } from '../../../src/ui/server/spec-index.ts'
import { startRun } from '../../../src/ui/server/actions.ts'
import type { UiContext } from '../../../src/ui/server/context.ts'
import { launchRun } from '../../../src/ui/server/launch-run.ts'

const SPEC = `apiVersion: weir/v1
kind: Pipeline
name: u
tasks:
  a: { handler: ../h/h.ts#a }
  b: { handler: ../h/h.ts#b }
`
const ONLY_A = 'export async function a() { return 1 }\n'
const A_AND_B = ONLY_A + 'export async function b() { return 2 }\n'

let dir: string
let specs: SpecIndex

/** Writes a handler module with a later mtime than before, as an editor would. */
let tick = 0
async function writeModule(text: string): Promise<void> {
  const file = join(dir, 'h', 'h.ts')
  await writeFile(file, text)
  const at = new Date(Date.now() + ++tick * 1000)
  await utimes(file, at, at)
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'weir-ui-specs-'))
  await mkdir(join(dir, 'p'))
  await mkdir(join(dir, 'h'))
  await writeFile(join(dir, 'package.json'), '{"type":"module"}\n')
  await writeFile(join(dir, 'p', 'u.yaml'), SPEC)
  await writeModule(ONLY_A)
  specs = createSpecIndex({ paths: ['p'], findSpecFiles: (paths) => findSpecFiles(paths, 'ui'), plugins: builtinCatalog(), cwd: dir })
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('the spec list follows the handler modules', () => {
  test('an export added to a handler module makes the spec valid without touching the spec', async () => {
    const [before] = await specs.list()
    expect(before).toMatchObject({ valid: false, diagnostics: [{ code: 'HANDLER_EXPORT_MISSING' }] })
    await writeModule(A_AND_B)
    // current() is what a start asks: it does not wait out the list's one-second reuse.
    expect(await specs.current('u')).toMatchObject({ valid: true, name: 'u', diagnostics: [] })
  })

  test('an export removed makes it invalid again, and the entry keeps the name it had', async () => {
    await writeModule(A_AND_B)
    expect((await specs.list())[0]!.valid).toBe(true)
    await writeModule(ONLY_A)
    const entry = await specs.current('u')
    expect(entry).toMatchObject({ valid: false, name: 'u', diagnostics: [{ code: 'HANDLER_EXPORT_MISSING' }] })
    expect(entry!.pipeline).toBeUndefined()
  })

  test('a missing handler module that appears later is found', async () => {
    await writeFile(join(dir, 'p', 'u.yaml'), SPEC.replaceAll('../h/h.ts', '../h/later.ts'))
    expect((await specs.list())[0]).toMatchObject({ valid: false, diagnostics: [{ code: 'HANDLER_NOT_FOUND' }, { code: 'HANDLER_NOT_FOUND' }] })
    await writeFile(join(dir, 'h', 'later.ts'), A_AND_B)
    // The folder's mtime changed; make sure it looks later even on a coarse clock.
    const at = new Date(Date.now() + 60_000)
    await utimes(join(dir, 'h'), at, at)
    expect(await specs.current('u')).toMatchObject({ valid: true })
  })
})

describe('the spec list follows the project root', () => {
  test('a package.json added where the error said makes the spec valid, without restarting weir ui or touching the spec', async () => {
    // A spec whose handler is outside the project its folder is in (p/ holds a package.json of its own).
    await writeModule(A_AND_B)
    await writeFile(join(dir, 'p', 'package.json'), '{"type":"module"}\n')
    forgetProjectRoots()
    const fresh = createSpecIndex({ paths: ['p'], findSpecFiles: (paths) => findSpecFiles(paths, 'ui'), plugins: builtinCatalog(), cwd: dir })
    expect((await fresh.list())[0]).toMatchObject({ valid: false, diagnostics: [{ code: 'HANDLER_OUTSIDE_PROJECT' }, { code: 'HANDLER_OUTSIDE_PROJECT' }] })
    await rm(join(dir, 'p', 'package.json'))
    expect(await fresh.current('u')).toMatchObject({ valid: true, diagnostics: [] })
  })
})

describe('starting a run of a spec that became invalid', () => {
  test('is refused with the spec’s errors, before any weir run is started', async () => {
    await writeModule(A_AND_B)
    expect((await specs.list())[0]!.valid).toBe(true)
    await writeModule(ONLY_A)
    const ctx = { stateDir: join(dir, '.weir'), cwd: dir, specs, weirCommand: [process.execPath, '-e', 'process.exit(99)'], signal: new AbortController().signal } as unknown as UiContext
    const refused = await startRun(ctx, { pipeline: 'u', params: {} }).catch((e: unknown) => e)
    expect({ ...(refused as object), message: (refused as Error).message }).toMatchObject({
      status: 409,
      message: "The spec of pipeline 'u' is not valid now; fix it first: p/u.yaml:6:17: HANDLER_EXPORT_MISSING: Module '../h/h.ts' has no export 'b' for task 'b'; did you mean 'a'?",
    })
  })

  test('when weir run itself refuses the spec, its errors are shown instead of "fix the errors above"', async () => {
    const child = [
      "process.stderr.write(\"p/u.yaml:6:18: error HANDLER_EXPORT_MISSING: Module '../h/h.ts' has no export 'b' for task 'b'.\\n  |\\n6 |   b: …\\n\")",
      "process.stderr.write(\"weir: run: 'p/u.yaml' is not a valid spec; fix the errors above (weir spec validate p/u.yaml).\\n\")",
      'process.exit(2)',
    ].join(';')
    const result = await launchRun({ weirCommand: [process.execPath, '-e', child], cwd: dir, stateDir: join(dir, '.weir'), specPath: join(dir, 'p', 'u.yaml'), params: {} })
    expect(result).toEqual({ error: "'p/u.yaml' is not a valid spec: p/u.yaml:6:18: error HANDLER_EXPORT_MISSING: Module '../h/h.ts' has no export 'b' for task 'b'." })
  })
})
