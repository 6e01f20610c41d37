// The cache key (issue 12): each component changes it, nothing else does.
import { describe, expect, test } from 'vitest'
import type { Pipeline } from '../../../../src/spec/model.ts'
import { validateSpec } from '../../../../src/spec/validate.ts'
import { computeCacheKey, changedComponents, type CacheKeySources } from '../../../../src/runtime/cache/cache-key.ts'
import { hashCanonical, sha256Hex } from '../../../../src/runtime/cache/canonical-json.ts'
import { createSecretHasher } from '../../../../src/runtime/cache/secret-hash.ts'

const SPEC = `
apiVersion: weir/v1
kind: Pipeline
name: sales
params:
  threshold: { type: number, default: 0.5 }
  token: { type: string, writeOnly: true }
types:
  Summary: { type: object, properties: { total: { type: number } } }
defaults:
  cache: { version: "1" }
tasks:
  extract:
    handler: ./h.ts#extract
    values: { rows: { type: integer } }
  summarize:
    handler: ./h.ts#summarize
    inputs:
      orders: \${{ tasks.extract.output }}
      country: \${{ tasks.extract.output.meta.country }}
      rows: \${{ tasks.extract.values.rows }}
      threshold: \${{ params.threshold }}
      label: "sales over \${{ params.threshold }}"
      fixed: { a: 1, b: [1, 2] }
    output: { $ref: "#/types/Summary" }
    values: { count: { type: integer } }
`

async function pipelineOf(text: string, path = '/project/pipelines/sales.yaml'): Promise<Pipeline> {
  const result = await validateSpec(text, { path, checkHandlers: false, projectRoot: '/project' })
  expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([])
  return result.pipeline!
}

/** Secrets hashed under a key from the environment (no state dir is touched). */
const SECRETS = createSecretHasher('/nonexistent-state-dir', { WEIR_CACHE_SECRET_KEY: 'test-key' })

const HASH_A = `sha256:${'a'.repeat(64)}`
const HASH_B = `sha256:${'b'.repeat(64)}`

async function sourcesFor(pipeline: Pipeline, over: Partial<CacheKeySources> = {}): Promise<CacheKeySources> {
  return {
    pipeline,
    task: pipeline.tasks.get('summarize')!,
    params: { threshold: 0.5, token: 's3cret-value' },
    upstreamValues: { extract: { rows: 3 } },
    run: { id: '20261204-120000-aaaaaa', pipeline: 'sales', trigger: 'manual', scheduled_at: null },
    codeHash: 'c'.repeat(64),
    upstreamOutput: async () => ({ hash: HASH_A, form: 'json' }),
    secrets: SECRETS,
    ...over,
  }
}

const keyOf = async (sources: CacheKeySources) => (await computeCacheKey(sources))!

describe('cache key', () => {
  test('is a stable sha256 of its components', async () => {
    const pipeline = await pipelineOf(SPEC)
    const a = await keyOf(await sourcesFor(pipeline))
    const b = await keyOf(await sourcesFor(await pipelineOf(SPEC)))
    expect(a.key).toMatch(/^[0-9a-f]{64}$/)
    expect(b).toEqual(a)
    expect(Object.keys(a.components).sort()).toEqual(['code', 'export', 'format', 'inputs', 'params', 'schemas', 'values', 'version'])
  })

  const change = async (edit: (spec: string) => string, over: Partial<CacheKeySources> = {}) => {
    const base = await keyOf(await sourcesFor(await pipelineOf(SPEC)))
    const changed = await keyOf(await sourcesFor(await pipelineOf(edit(SPEC)), over))
    return { changed: changed.key !== base.key, parts: changedComponents(base.components, changed.components) }
  }
  const same = (spec: string) => spec

  test.each([
    ['the handler code', same, { codeHash: 'd'.repeat(64) }, 'code'],
    ['the export name', (s: string) => s.replace('./h.ts#summarize', './h.ts#summarize2'), {}, 'export'],
    ['a literal input', (s: string) => s.replace('b: [1, 2]', 'b: [1, 3]'), {}, 'inputs'],
    ['the content of an upstream output', same, { upstreamOutput: async () => ({ hash: HASH_B, form: 'json' }) }, 'inputs'],
    // The same bytes as a Buffer, a stream or a parsed JSON value are different inputs to a handler.
    ['the form of an upstream output (bytes, not JSON)', same, { upstreamOutput: async () => ({ hash: HASH_A, form: 'bytes' }) }, 'inputs'],
    ['the form of an upstream output (a stream, not a Buffer)', same, { upstreamOutput: async () => ({ hash: HASH_A, form: 'bytes+stream' }) }, 'inputs'],
    ['a field path into an upstream output', (s: string) => s.replace('output.meta.country', 'output.meta.region'), {}, 'inputs'],
    ['a template input', (s: string) => s.replace('sales over', 'sales above'), {}, 'inputs'],
    ['a param value', same, { params: { threshold: 0.7, token: 's3cret-value' } }, 'params'],
    ['a secret param value', same, { params: { threshold: 0.5, token: 'other-secret' } }, 'params'],
    ['an upstream task value', same, { upstreamValues: { extract: { rows: 4 } } }, 'inputs'],
    ['the output schema', (s: string) => s.replace('output: { $ref: "#/types/Summary" }', 'output: { type: object }'), {}, 'schemas'],
    ['a values schema', (s: string) => s.replace('count: { type: integer }', 'count: { type: number }'), {}, 'schemas'],
    ['a shared type', (s: string) => s.replace('total: { type: number }', 'total: { type: integer }'), {}, 'schemas'],
    ['the cache version', (s: string) => s.replace('version: "1"', 'version: "2"'), {}, 'version'],
  ])('changes with %s', async (_what, edit, over, part) => {
    const { changed, parts } = await change(edit, over as Partial<CacheKeySources>)
    expect(changed).toBe(true)
    expect(parts).toContain(part)
  })

  test.each([
    ['the run id, trigger and scheduled time', same, { run: { id: '20991231-235959-ffffff', pipeline: 'sales', trigger: 'schedule', scheduled_at: '2099-12-31T23:59:00Z' } }],
    ['the order of YAML keys', (s: string) => s.replace('      threshold: ${{ params.threshold }}\n      label: "sales over ${{ params.threshold }}"', '      label: "sales over ${{ params.threshold }}"\n      threshold: ${{ params.threshold }}').replace('fixed: { a: 1, b: [1, 2] }', 'fixed: { b: [1, 2], a: 1 }'), {}],
    ['comments and formatting in the spec', (s: string) => s.replace('tasks:\n', '# the tasks\ntasks:   # all of them\n').replace('fixed: { a: 1, b: [1, 2] }', 'fixed:\n        a: 1\n        b:\n          - 1\n          - 2'), {}],
    ['the ttl', (s: string) => s.replace('version: "1"', 'version: "1", ttl: 7d'), {}],
    ['the task description, retries, timeout and trigger', (s: string) => s.replace('    handler: ./h.ts#summarize', '    handler: ./h.ts#summarize\n    description: Sums up.\n    retries: 3\n    timeout: 1m\n    trigger: all_done'), {}],
    ['the outputs of upstream tasks that are read by their content only (other run, other URI)', same, { upstreamOutput: async () => ({ hash: HASH_A, form: 'json' }) }],
  ])('does not change with %s', async (_what, edit, over) => {
    expect((await change(edit, over as Partial<CacheKeySources>)).changed).toBe(false)
  })

  test('does not change with the path of the spec file', async () => {
    const a = await keyOf(await sourcesFor(await pipelineOf(SPEC, '/project/pipelines/sales.yaml')))
    const b = await keyOf(await sourcesFor(await pipelineOf(SPEC, '/project/pipelines/renamed.yaml')))
    expect(b.key).toBe(a.key)
  })

  test('early cutoff: an upstream that re-ran and wrote identical bytes leaves the key unchanged', async () => {
    const pipeline = await pipelineOf(SPEC)
    const refs = {
      run1: { uri: 'file:///p/.weir/data/sales/run1/extract/output.json', contentHash: HASH_A },
      run2: { uri: 'file:///p/.weir/data/sales/run2/extract/output.json', contentHash: HASH_A },
    }
    const k1 = await keyOf(await sourcesFor(pipeline, { upstreamOutput: async () => ({ hash: refs.run1.contentHash, form: 'json' }) }))
    const k2 = await keyOf(await sourcesFor(pipeline, { upstreamOutput: async () => ({ hash: refs.run2.contentHash, form: 'json' }) }))
    expect(k2.key).toBe(k1.key)
  })

  test('an upstream output that cannot be hashed leaves the task without a key; one that stored nothing is a value', async () => {
    const pipeline = await pipelineOf(SPEC)
    expect(await computeCacheKey(await sourcesFor(pipeline, { upstreamOutput: async () => undefined }))).toBeUndefined()
    const none = await keyOf(await sourcesFor(pipeline, { upstreamOutput: async () => null }))
    expect(none.key).not.toBe((await keyOf(await sourcesFor(pipeline))).key)
  })

  test('a secret param never appears in the components, only inside a hash', async () => {
    const { components } = await keyOf(await sourcesFor(await pipelineOf(SPEC)))
    expect(JSON.stringify(components)).not.toContain('s3cret')
    for (const hash of Object.values(components)) expect(hash).toMatch(/^[0-9a-f]{64}$/)
  })

  test('a secret param enters as a keyed hash: no plain hash of it to test a guess against, another key gives another hash', async () => {
    const pipeline = await pipelineOf(SPEC)
    const key = await keyOf(await sourcesFor(pipeline))
    // What a reader of the entry could compute from a guess (the scheme before keyed hashes).
    const guess = hashCanonical({ secret: hashCanonical('s3cret-value') })
    const all = [...Object.values(key.components), ...Object.values(key.parts.params ?? {})]
    expect(all).not.toContain(guess)
    expect(all).not.toContain(hashCanonical('s3cret-value'))
    expect(key.parts.params?.token).toBe(hashCanonical({ secret: await SECRETS.hash('s3cret-value') }))
    const otherKey = await keyOf(await sourcesFor(pipeline, { secrets: createSecretHasher('/nonexistent-state-dir', { WEIR_CACHE_SECRET_KEY: 'other-key' }) }))
    expect(otherKey.parts.params?.token).not.toBe(key.parts.params?.token)
    expect(otherKey.parts.params?.threshold).toBe(key.parts.params?.threshold)
  })

  test('a pipeline with a secret param has no key without a hasher (its tasks run, uncached)', async () => {
    const pipeline = await pipelineOf(SPEC)
    expect(await computeCacheKey({ ...(await sourcesFor(pipeline)), secrets: undefined })).toBeUndefined()
    const plain = await pipelineOf(SPEC.replace('  token: { type: string, writeOnly: true }\n', ''))
    expect(await computeCacheKey({ ...(await sourcesFor(plain, { params: { threshold: 0.5 } })), secrets: undefined })).toBeDefined()
  })

  test('an item of a secret list enters by its keyed hash, never by a plain hash of its value', async () => {
    const pipeline = await pipelineOf(SPEC)
    const itemKey = async (value: unknown, secret: boolean, hashed = true) => computeCacheKey(await sourcesFor(pipeline, { item: { value, index: 0, secret }, secrets: hashed ? SECRETS : undefined }))
    const secret = (await itemKey('ITEM-SECRET', true))!
    const open = (await itemKey('ITEM-SECRET', false))!
    expect(secret.components.inputs).not.toBe(open.components.inputs)
    expect((await itemKey('ITEM-SECRET', true))!.components.inputs).toBe(secret.components.inputs)
    expect((await itemKey('OTHER', true))!.components.inputs).not.toBe(secret.components.inputs)
    expect(JSON.stringify(secret)).not.toContain(sha256Hex(JSON.stringify('ITEM-SECRET')))
    // Without a hasher (the params here hold no secret: the item alone decides).
    const plain = await pipelineOf(SPEC.replace('  token: { type: string, writeOnly: true }\n', ''))
    expect(await computeCacheKey(await sourcesFor(plain, { params: { threshold: 0.5 }, item: { value: 'ITEM-SECRET', index: 0, secret: true }, secrets: undefined }))).toBeUndefined()
    expect(await computeCacheKey(await sourcesFor(plain, { params: { threshold: 0.5 }, item: { value: 'ITEM-SECRET', index: 0 }, secrets: undefined }))).toBeDefined()
  })

  test('upstream values are keyed as JSON: an upstream that set none, and undefined or null in a fan-in list, give one key in weir run and weir execute', async () => {
    const pipeline = await pipelineOf(SPEC)
    // weir run has nothing for an upstream task that set no values; weir execute reads {} from its outputs.json.
    const none = await keyOf(await sourcesFor(pipeline, { upstreamValues: { extract: { rows: 3 } } }))
    expect((await keyOf(await sourcesFor(pipeline, { upstreamValues: { extract: { rows: 3 }, other: {} } }))).key).toBe(none.key)
    // weir's fan-in lists hold null for an item that set no value; an undefined there (a plugin's executor) keys the same.
    const inProcess = await keyOf(await sourcesFor(pipeline, { upstreamValues: { extract: { rows: 3 }, m: { seen: [1, undefined, 3] } } }))
    const throughJson = await keyOf(await sourcesFor(pipeline, { upstreamValues: { extract: { rows: 3 }, m: { seen: [1, null, 3] } } }))
    expect(throughJson.key).toBe(inProcess.key)
    expect(throughJson.parts.values).toEqual(inProcess.parts.values)
    expect((await keyOf(await sourcesFor(pipeline, { upstreamValues: { extract: { rows: 3 }, m: { seen: [1, 2, 3] } } }))).key).not.toBe(inProcess.key)
  })

  test('an item is keyed by its value and index, or by the stored output it was read from (map → map)', async () => {
    const pipeline = await pipelineOf(SPEC)
    const item = async (value: unknown, index: number, cacheKey?: string | null) => (await keyOf(await sourcesFor(pipeline, { item: { value, index, ...(cacheKey !== undefined && { cacheKey }) } }))).key
    expect(await item('EU', 0)).toBe(await item('EU', 0))
    expect(await item('EU', 1)).not.toBe(await item('EU', 0))
    expect(await item('US', 0)).not.toBe(await item('EU', 0))
    // weir execute leaves a map → map item's value unread until the handler runs: only the hash counts.
    expect(await item(undefined, 0, HASH_A)).toBe(await item({ read: 'back' }, 0, HASH_A))
    expect(await item(undefined, 0, HASH_B)).not.toBe(await item(undefined, 0, HASH_A))
  })

  test('a task reading run.id gets a new key every run (so it never hits, as it should not)', async () => {
    const pipeline = await pipelineOf(SPEC.replace('fixed: { a: 1, b: [1, 2] }', 'fixed: ${{ run.id }}'))
    const a = await keyOf(await sourcesFor(pipeline))
    const b = await keyOf(await sourcesFor(pipeline, { run: { id: 'other', pipeline: 'sales', trigger: 'manual', scheduled_at: null } }))
    expect(b.key).not.toBe(a.key)
  })
})
