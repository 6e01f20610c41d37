/** Shared helpers of the codegen tests: fixture projects in temp dirs, pipelines, one-program compiles. */
import { cp, mkdtemp, readdir, rm, symlink } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import ts from 'typescript'
import { expect } from 'vitest'
import { validateSpecFile } from '../../../src/spec/validate.ts'
import { builtinCatalog } from '../../../src/plugins/catalog.ts'
import type { Pipeline } from '../../../src/spec/model.ts'

export const REPO = resolve(import.meta.dirname, '../../..')
export const CODEGEN_FIXTURES = resolve(REPO, 'test/fixtures/codegen')

/** The example specs of pipelines/ (whatever is there when the tests run). */
export async function exampleSpecs(): Promise<string[]> {
  const dir = resolve(REPO, 'pipelines')
  return (await readdir(dir)).filter((f) => /\.ya?ml$/.test(f)).sort().map((f) => join(dir, f))
}

/** A copy of a fixture project in a fresh temp dir, with the repo's node_modules linked in (apache-arrow, @types/node). */
export async function copyFixtureProject(name: string): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), `weir-codegen-${name}-`))
  await cp(join(CODEGEN_FIXTURES, name), dir, { recursive: true })
  await symlink(join(REPO, 'node_modules'), join(dir, 'node_modules'), 'dir')
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) }
}

/** Validates a spec that must be valid and returns its pipeline. */
export async function loadPipeline(path: string): Promise<Pipeline> {
  const { pipeline, diagnostics } = await validateSpecFile(path, { plugins: builtinCatalog() })
  expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([])
  return pipeline!
}

/** Compiler options of the fixture projects: as strict as this repo. */
export const STRICT_OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2023,
  lib: ['lib.es2023.d.ts'],
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  types: ['node'],
  strict: true,
  noUncheckedIndexedAccess: true,
  skipLibCheck: true,
  noEmit: true,
  allowImportingTsExtensions: true,
}

/** One compiler diagnostic, simplified for assertions. */
export interface Found {
  readonly file: string
  readonly line: number
  readonly code: number
  readonly message: string
}

/** Compiles files (absolute paths) as one program and returns every diagnostic, by file. */
export function compile(files: readonly string[], options: ts.CompilerOptions = STRICT_OPTIONS): Found[] {
  const program = ts.createProgram({ rootNames: files, options })
  return ts.getPreEmitDiagnostics(program).map((d) => ({
    file: d.file?.fileName ?? '',
    line: d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line + 1 : 0,
    code: d.code,
    message: ts.flattenDiagnosticMessageText(d.messageText, ' '),
  }))
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true })
}
