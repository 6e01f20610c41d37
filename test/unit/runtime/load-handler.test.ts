/**
 * loadHandler checks the real path of a handler's module whenever it may have changed (#15), as a
 * fresh `weir execute` process would: a symlink re-pointed by a handler that ran, or in an earlier
 * turn of the event loop, is seen by the next load.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { mkdir, rm, symlink, unlink, writeFile } from 'node:fs/promises'
import { renameSync, symlinkSync, unlinkSync } from 'node:fs'
import { join } from 'node:path'
import { HandlerChecks, loadedHandler, loadHandler, noteHandlerActivity } from '../../../src/runtime/load-handler.ts'
import type { HandlerRef } from '../../../src/spec/model.ts'
import { tempDir } from './helpers.ts'

let dir: string
let project: string
let outside: string

beforeAll(async () => {
  dir = await tempDir('weir-load-handler-')
  project = join(dir, 'project')
  outside = join(dir, 'outside')
  await mkdir(join(project, 'handlers'), { recursive: true })
  await mkdir(outside)
  await writeFile(join(project, 'package.json'), '{"type":"module"}')
  await writeFile(join(project, 'handlers', 'one.ts'), "export const which = () => 'one'\n")
  await writeFile(join(project, 'handlers', 'two.ts'), "export const which = () => 'two'\n")
  await writeFile(join(outside, 'evil.ts'), "export const which = () => 'evil'\n")
})
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true })
})

async function pointLink(link: string, target: string): Promise<void> {
  await unlink(link).catch(() => {})
  await symlink(target, link)
}

const ref = (file: string): HandlerRef => ({ written: `./handlers/${file}#which`, modulePath: join(project, 'handlers', file), exportName: 'which' })

describe('loadHandler and symlinks', () => {
  test('a link swapped to a module outside the project after it was loaded is refused on the next load', async () => {
    const link = join(project, 'handlers', 'swapped.ts')
    await pointLink(link, join(project, 'handlers', 'one.ts'))
    expect((await loadHandler(ref('swapped.ts'), project))({}, {})).toBe('one')
    await pointLink(link, join(outside, 'evil.ts'))
    await expect(loadHandler(ref('swapped.ts'), project)).rejects.toMatchObject({ code: 'HANDLER_OUTSIDE_PROJECT', message: expect.stringContaining(join(outside, 'evil.ts')) })
  })

  test('a link re-pointed inside the project loads its new target, as a new process would', async () => {
    const link = join(project, 'handlers', 'repointed.ts')
    await pointLink(link, join(project, 'handlers', 'one.ts'))
    expect((await loadHandler(ref('repointed.ts'), project))({}, {})).toBe('one')
    await pointLink(link, join(project, 'handlers', 'two.ts'))
    expect((await loadHandler(ref('repointed.ts'), project))({}, {})).toBe('two')
  })

  test('within one turn of the event loop, a link a handler re-pointed is seen by the next check (a task downstream of it)', async () => {
    const link = join(project, 'handlers', 'same-turn.ts')
    await pointLink(link, join(project, 'handlers', 'one.ts'))
    expect((await loadHandler(ref('same-turn.ts'), project))({}, {})).toBe('one')
    // All synchronous from here: no turn of the event loop passes. A handler runs and re-points the link.
    expect(loadedHandler(ref('same-turn.ts'), project)?.({}, {})).toBe('one')
    noteHandlerActivity()
    unlinkSync(link)
    symlinkSync(join(outside, 'evil.ts'), link)
    noteHandlerActivity()
    expect(() => loadedHandler(ref('same-turn.ts'), project)).toThrow(expect.objectContaining({ code: 'HANDLER_OUTSIDE_PROJECT' }))
  })

  test('a link re-pointed by another process is seen in the next turn of the event loop', async () => {
    const link = join(project, 'handlers', 'next-turn.ts')
    await pointLink(link, join(project, 'handlers', 'one.ts'))
    expect((await loadHandler(ref('next-turn.ts'), project))({}, {})).toBe('one')
    unlinkSync(link)
    symlinkSync(join(outside, 'evil.ts'), link)
    await new Promise((resolve) => setImmediate(resolve))
    expect(() => loadedHandler(ref('next-turn.ts'), project)).toThrow(expect.objectContaining({ code: 'HANDLER_OUTSIDE_PROJECT' }))
  })

  test('a link that leads back inside the project is loaded', async () => {
    const link = join(project, 'handlers', 'back.ts')
    await pointLink(link, join(project, 'handlers', 'two.ts'))
    expect((await loadHandler(ref('back.ts'), project))({}, {})).toBe('two')
  })
})

describe("loadHandler with a run's checks (once per run for a path without links)", () => {
  test('a module whose path has no link is checked once per run: a file replaced by a link later in the run keeps the module imported from inside; the next run refuses it', async () => {
    const file = join(project, 'handlers', 'plain-run.ts')
    await writeFile(file, "export const which = () => 'plain'\n")
    const run = new HandlerChecks()
    expect((await loadHandler(ref('plain-run.ts'), project, run))({}, {})).toBe('plain')
    // A handler of the run replaces the file with a link to a module outside the project.
    noteHandlerActivity()
    renameSync(file, `${file}.old`)
    symlinkSync(join(outside, 'evil.ts'), file)
    noteHandlerActivity()
    await new Promise((resolve) => setImmediate(resolve))
    // No code from outside: the run calls what it imported from inside the project.
    expect(loadedHandler(ref('plain-run.ts'), project, run)?.({}, {})).toBe('plain')
    // Without the run's checks (weir execute), and in the next run, the path is checked again.
    expect(() => loadedHandler(ref('plain-run.ts'), project)).toThrow(expect.objectContaining({ code: 'HANDLER_OUTSIDE_PROJECT' }))
    expect(() => loadedHandler(ref('plain-run.ts'), project, new HandlerChecks())).toThrow(expect.objectContaining({ code: 'HANDLER_OUTSIDE_PROJECT' }))
  })

  test('a link inside the project is still checked at every attempt: a handler re-pointing it is seen by the next task', async () => {
    const link = join(project, 'handlers', 'run-link.ts')
    await pointLink(link, join(project, 'handlers', 'one.ts'))
    const run = new HandlerChecks()
    expect((await loadHandler(ref('run-link.ts'), project, run))({}, {})).toBe('one')
    noteHandlerActivity()
    unlinkSync(link)
    symlinkSync(join(outside, 'evil.ts'), link)
    noteHandlerActivity()
    expect(() => loadedHandler(ref('run-link.ts'), project, run)).toThrow(expect.objectContaining({ code: 'HANDLER_OUTSIDE_PROJECT' }))
  })

  test('a folder inside the project that is a link counts as a link on the way', async () => {
    await mkdir(join(project, 'real-folder'), { recursive: true })
    await writeFile(join(project, 'real-folder', 'step.ts'), "export const which = () => 'in folder'\n")
    await symlink(join(project, 'real-folder'), join(project, 'handlers', 'linked-folder'))
    const linkedRef: HandlerRef = { written: './handlers/linked-folder/step.ts#which', modulePath: join(project, 'handlers', 'linked-folder', 'step.ts'), exportName: 'which' }
    const run = new HandlerChecks()
    expect((await loadHandler(linkedRef, project, run))({}, {})).toBe('in folder')
    noteHandlerActivity()
    await pointLink(join(project, 'handlers', 'linked-folder'), outside)
    await writeFile(join(outside, 'step.ts'), "export const which = () => 'evil folder'\n")
    noteHandlerActivity()
    expect(() => loadedHandler(linkedRef, project, run)).toThrow(expect.objectContaining({ code: 'HANDLER_OUTSIDE_PROJECT' }))
  })

  test('a link above the project (the folder the project is in) does not count: the module is checked once per run', async () => {
    const alias = join(dir, 'alias-of-project')
    await symlink(project, alias)
    const file = join(project, 'handlers', 'via-alias.ts')
    await writeFile(file, "export const which = () => 'via alias'\n")
    const aliasRef: HandlerRef = { written: './handlers/via-alias.ts#which', modulePath: join(alias, 'handlers', 'via-alias.ts'), exportName: 'which' }
    const run = new HandlerChecks()
    expect((await loadHandler(aliasRef, alias, run))({}, {})).toBe('via alias')
    noteHandlerActivity()
    renameSync(file, `${file}.old`)
    symlinkSync(join(outside, 'evil.ts'), file)
    noteHandlerActivity()
    expect(loadedHandler(aliasRef, alias, run)?.({}, {})).toBe('via alias')
    expect(() => loadedHandler(aliasRef, alias, new HandlerChecks())).toThrow(expect.objectContaining({ code: 'HANDLER_OUTSIDE_PROJECT' }))
  })
})

describe('loadHandler and plain JavaScript', () => {
  const jsRef = (file: string, exportName = 'which'): HandlerRef => ({ written: `./handlers/${file}#${exportName}`, modulePath: join(project, 'handlers', file), exportName })

  test('.js and .mjs modules load (natively: test/e2e/handler-loading.test.ts)', async () => {
    await writeFile(join(project, 'handlers', 'native.mjs'), "export const which = () => 'mjs'\n")
    await writeFile(join(project, 'handlers', 'native.js'), "export const which = () => 'js'\n")
    expect((await loadHandler(jsRef('native.mjs'), project))({}, {})).toBe('mjs')
    expect((await loadHandler(jsRef('native.js'), project))({}, {})).toBe('js')
  })

  test('a .js module that imports a TypeScript file still loads (through jiti)', async () => {
    await writeFile(join(project, 'handlers', 'helper.ts'), "export const helper = (n: number): string => `helped ${n}`\n")
    await writeFile(join(project, 'handlers', 'uses-ts.js'), "import { helper } from './helper.ts'\nexport const which = () => helper(1)\n")
    expect((await loadHandler(jsRef('uses-ts.js'), project))({}, {})).toBe('helped 1')
  })

  test('a .js module that failed to load is read again on the next load', async () => {
    const file = join(project, 'handlers', 'fixed-later.js')
    await writeFile(file, 'export const which = () => (\n')
    await expect(loadHandler(jsRef('fixed-later.js'), project)).rejects.toMatchObject({ code: 'HANDLER_NOT_FOUND' })
    await writeFile(file, "export const which = () => 'fixed'\n")
    expect((await loadHandler(jsRef('fixed-later.js'), project))({}, {})).toBe('fixed')
  })

  test('a module that throws while loading is named with the line and column of the throw; compiled TypeScript with its line only', async () => {
    await writeFile(join(project, 'handlers', 'throws.js'), "const x = 1\nif (x) throw new Error('config missing')\nexport const which = () => x\n")
    await expect(loadHandler(jsRef('throws.js'), project)).rejects.toMatchObject({
      code: 'HANDLER_NOT_FOUND',
      message: "Cannot load handler module './handlers/throws.js#which': config missing (at handlers/throws.js:2:14)",
    })
    // jiti keeps lines but not columns: with the type stripped, the compiled column (18) is not `parse`'s (35).
    await writeFile(join(project, 'handlers', 'throws.ts'), "const x: number = 1\nconst cfg: { url: string } = JSON.parse(x ? '{' : '{}')\nexport const which = (): string => cfg.url\n")
    const failure = await loadHandler(jsRef('throws.ts'), project).catch((error: Error) => error)
    expect((failure as Error).message).toMatch(/^Cannot load handler module '\.\/handlers\/throws\.ts#which': .*JSON.* \(at handlers\/throws\.ts:2\)$/)
  })

  test('a TypeScript module that does not parse is one line naming the position once, with the column of the source', async () => {
    // The type stripper's message ends in a second line with the absolute path and position, which
    // made the run's summary two lines and named the place twice. Its column counts from 0.
    await writeFile(join(project, 'handlers', 'no-parse.ts'), 'export const which = () => 1\nconst x = ;\n')
    const failure = await loadHandler(jsRef('no-parse.ts'), project).catch((error: Error) => error)
    expect((failure as Error).message).not.toContain('\n')
    expect((failure as Error).message).toMatch(/^Cannot load handler module '\.\/handlers\/no-parse\.ts#which': .*Unexpected token \(at handlers\/no-parse\.ts:2:11\)$/)
  })

  test("an import the module cannot resolve is pointed at its specifier (jiti's compiled import is at column 213 of line 1)", async () => {
    await writeFile(join(project, 'handlers', 'boom.ts'), "import { nothing } from './missing-helper.ts'\nexport async function which() { return nothing }\n")
    await expect(loadHandler(jsRef('boom.ts'), project)).rejects.toMatchObject({
      message: "Cannot load handler module './handlers/boom.ts#which': Cannot find module './missing-helper.ts' (at handlers/boom.ts:1:25)",
    })
    await writeFile(join(project, 'handlers', 'boom-later.ts'), "// see './missing-helper.ts'\nconst n: number = 1\nimport { nothing } from \"./missing-helper.ts\"\nexport const which = () => nothing ?? n\n")
    await expect(loadHandler(jsRef('boom-later.ts'), project)).rejects.toMatchObject({
      message: expect.stringMatching(/Cannot find module '\.\/missing-helper\.ts' \(at handlers\/boom-later\.ts:3:25\)$/),
    })
  })

  test('an import a module it imports cannot resolve: the line of the import of that module, without a compiled column', async () => {
    await writeFile(join(project, 'handlers', 'middle.ts'), "import { nothing } from './missing-helper.ts'\nexport const value = nothing\n")
    await writeFile(join(project, 'handlers', 'outer.ts'), "// uses middle\nimport { value } from './middle.ts'\nexport const which = () => value\n")
    await expect(loadHandler(jsRef('outer.ts'), project)).rejects.toMatchObject({
      message: "Cannot load handler module './handlers/outer.ts#which': Cannot find module './missing-helper.ts' (at handlers/outer.ts:2)",
    })
  })

  test('an error thrown by a module the handler module imports names no line of the handler module', async () => {
    await writeFile(join(project, 'handlers', 'dep-throws.js'), "throw new Error('from the dependency')\n")
    await writeFile(join(project, 'handlers', 'imports-bad.js'), "import './dep-throws.js'\nexport const which = () => 1\n")
    const indirect = await loadHandler(jsRef('imports-bad.js'), project).catch((error: Error) => error)
    expect((indirect as Error).message).toBe("Cannot load handler module './handlers/imports-bad.js#which': from the dependency")
  })

  test('a CommonJS module exports its functions by name', async () => {
    await mkdir(join(project, 'handlers', 'cjs'), { recursive: true })
    await writeFile(join(project, 'handlers', 'cjs', 'steps.cjs'), "exports.which = () => 'cjs'\n")
    expect((await loadHandler(jsRef('cjs/steps.cjs'), project))({}, {})).toBe('cjs')
  })
})

describe('a handler that cannot be used is told as spec validate tells it (weir execute checks no handler before it runs one)', () => {
  const spec = () => join(project, 'p.yaml')
  const site = (taskId = 't') => ({ taskId, specPath: spec() })
  const at = (file: string, exportName: string): HandlerRef => ({ written: `./handlers/${file}#${exportName}`, modulePath: join(project, 'handlers', file), exportName })

  test('an export the module does not have: HANDLER_EXPORT_MISSING, its exports as the module lists them', async () => {
    await writeFile(join(project, 'handlers', 'exports.mjs'), 'export const alpha = () => 1\nexport const n = 5\nexport class Klass {}\n')
    await expect(loadHandler(at('exports.mjs', 'alpah'), project, undefined, site())).rejects.toMatchObject({
      code: 'HANDLER_EXPORT_MISSING',
      message: "Module './handlers/exports.mjs' has no export 'alpah' for task 't'; did you mean 'alpha'?",
    })
  })

  test('an export that is no function, or a class: HANDLER_NOT_A_FUNCTION at its declaration', async () => {
    await expect(loadHandler(at('exports.mjs', 'n'), project, undefined, site())).rejects.toMatchObject({
      code: 'HANDLER_NOT_A_FUNCTION',
      message: expect.stringMatching(/^Export 'n' of module '\.\/handlers\/exports\.mjs' is a number \(.*handlers\/exports\.mjs:2:14\), not a function; point task 't' at an exported function\.$/),
    })
    await expect(loadHandler(at('exports.mjs', 'Klass'), project, undefined, site())).rejects.toMatchObject({ code: 'HANDLER_NOT_A_FUNCTION', message: expect.stringContaining('is a class (') })
  })

  test('what the module text does not show is told from what the module holds, in the same words', async () => {
    await writeFile(join(project, 'handlers', 'computed.cjs'), "module.exports = { made: Number('5'), run: () => 1 }\n")
    await expect(loadHandler(at('computed.cjs', 'made'), project, undefined, site())).rejects.toMatchObject({
      code: 'HANDLER_NOT_A_FUNCTION',
      message: "Export 'made' of module './handlers/computed.cjs' is a number, not a function; point task 't' at an exported function.",
    })
    await expect(loadHandler(at('computed.cjs', 'rnu'), project, undefined, site())).rejects.toMatchObject({
      code: 'HANDLER_EXPORT_MISSING',
      message: "Module './handlers/computed.cjs' has no export 'rnu' for task 't'; did you mean 'run'?",
    })
  })

  test('a module that does not parse: HANDLER_SYNTAX_ERROR with its position, not "Invalid or unexpected token"', async () => {
    await writeFile(join(project, 'handlers', 'unclosed.mjs'), 'export const a = () => 1\nexport const s = "unclosed\n')
    const failure = (await loadHandler(at('unclosed.mjs', 'a'), project, undefined, site()).catch((error: unknown) => error)) as { code: string; message: string }
    expect(failure.code).toBe('HANDLER_SYNTAX_ERROR')
    expect(failure.message).toMatch(/^Handler module '\.\/handlers\/unclosed\.mjs' of task 't' does not parse: .*handlers\/unclosed\.mjs:2:\d+: a string or regular expression is not closed on this line; fix the module\.$/)
  })

  test('a module that does not exist: HANDLER_NOT_FOUND as validate says it, without Node\'s require stack', async () => {
    const failure = (await loadHandler(at('gone.mjs', 'a'), project, undefined, site()).catch((error: unknown) => error)) as { code: string; message: string }
    expect(failure).toMatchObject({ code: 'HANDLER_NOT_FOUND', message: "Handler module './handlers/gone.mjs' of task 't' does not exist (looked for 'handlers/gone.mjs' with .ts/.js extensions); paths are relative to the spec file." })
  })
})
