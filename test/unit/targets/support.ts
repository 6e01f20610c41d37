/** Shared helpers of the target tests: fixtures and examples as pipelines, and the engines' JSON Schemas. */
import { readdir } from 'node:fs/promises'
import { readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { validateSpecFile } from '../../../src/spec/validate.ts'
import { builtinCatalog } from '../../../src/plugins/catalog.ts'
import type { Pipeline } from '../../../src/spec/model.ts'

export const FIXTURES = resolve('test/fixtures/targets')
/** The engines' published JSON Schemas, copied into the repository (provenance and licences in SOURCES.md there). */
export const SCHEMAS = resolve('test/fixtures/target-schemas')

/** Default target configs for example pipelines that configure none. */
export const EXAMPLE_CONFIGS = { argo: { image: 'ghcr.io/acme/pipelines:1.0.0' }, databricks: {} } as const

export async function loadPipeline(path: string): Promise<Pipeline> {
  const result = await validateSpecFile(path, { plugins: builtinCatalog() })
  if (!result.pipeline) throw new Error(`${path} is invalid:\n${result.diagnostics.map((d) => `${d.line}:${d.column} ${d.code} ${d.message}`).join('\n')}`)
  return result.pipeline
}

/** The target fixtures plus every example pipeline of the repository. */
export async function specsUnderTest(): Promise<{ name: string; path: string }[]> {
  const fixtures = (await readdir(FIXTURES)).filter((f) => f.endsWith('.yaml')).map((f) => ({ name: `fixture-${f.replace(/\.yaml$/, '')}`, path: join(FIXTURES, f) }))
  const examples = (await readdir(resolve('pipelines'))).filter((f) => /\.ya?ml$/.test(f)).map((f) => ({ name: `example-${f.replace(/\.ya?ml$/, '')}`, path: resolve('pipelines', f) }))
  return [...fixtures, ...examples]
}

export function readSchema(file: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(SCHEMAS, file), 'utf8')) as Record<string, unknown>
}
