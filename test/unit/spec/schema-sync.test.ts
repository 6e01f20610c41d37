/**
 * The schema and everything generated from it stay in step: the committed JSON Schema, the
 * standalone validators and spec-types.ts must equal a fresh build (run `npm run build:schema`),
 * and every property of the schema explains itself to editors.
 */
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { describe, expect, test } from 'vitest'
import { generateSchemaArtifacts } from '../../../scripts/build-schema.mjs'
import schema from '../../../schema/pipeline.schema.json' with { type: 'json' }
import { listSchemaProperties } from './support.ts'

const ROOT = resolve(import.meta.dirname, '../../..')

describe('generated schema files', () => {
  test('the committed schema, validators and spec-types.ts equal a fresh `npm run build:schema`', { timeout: 30_000 }, async () => {
    const fresh = await generateSchemaArtifacts()
    expect(Object.keys(fresh).sort()).toEqual([
      'schema/pipeline.schema.json',
      'src/spec/generated/validate-json-schema.cjs',
      'src/spec/generated/validate-pipeline-parts.cjs',
      'src/spec/generated/validate-pipeline.cjs',
      'src/spec/spec-types.ts',
    ])
    for (const [path, contents] of Object.entries(fresh))
      expect(readFileSync(resolve(ROOT, path), 'utf8'), `${path} is stale; run npm run build:schema`).toBe(contents)
  })

  test('building twice gives the same bytes', { timeout: 30_000 }, async () => {
    expect(await generateSchemaArtifacts()).toEqual(await generateSchemaArtifacts())
  })
})

/** Properties whose absence simply means "none", so a default would say nothing. */
const NO_DEFAULT = new Set([
  '/$schema', '/description', '/defaults/timeout', '/tasks/*/description', '/tasks/*/output', '/tasks/*/output/description',
  '/tasks/*/timeout', '/tasks/*/command', '/schedule', '/command', '/tasks/*/foreach', '/tasks/*/foreach/concurrency', '/defaults/cache/ttl', '/tasks/*/cache/ttl',
])
/** Closed choices (enum, const, boolean) document themselves; `$schema` and examples-free keys are listed. */
const isSelfDescribing = (node: Record<string, unknown>): boolean => 'enum' in node || 'const' in node || node.type === 'boolean'

describe('schema documentation', () => {
  const properties = listSchemaProperties(schema)

  test('walks a schema of realistic size', () => {
    expect(properties.length).toBeGreaterThan(50)
  })

  test('every property has a description', () => {
    expect(properties.filter((p) => typeof p.node.description !== 'string' || p.node.description.length < 10).map((p) => p.path)).toEqual([])
  })

  test('every optional property has a default, unless absence means none', () => {
    const missing = properties.filter((p) => !p.required && !('default' in p.node) && !NO_DEFAULT.has(p.path) && !isSelfDescribing(p.node))
    expect(missing.map((p) => p.path)).toEqual([])
  })

  test('every open-ended property has examples', () => {
    const missing = properties.filter((p) => !isSelfDescribing(p.node) && !Array.isArray(p.node.examples))
    expect(missing.map((p) => p.path)).toEqual([])
  })

  test('defaults and examples of closed choices are among the choices', () => {
    for (const p of properties)
      if (Array.isArray(p.node.enum)) {
        if ('default' in p.node) expect(p.node.enum, p.path).toContain(p.node.default)
        for (const example of (p.node.examples ?? []) as unknown[]) expect(p.node.enum, p.path).toContain(example)
      }
  })
})
