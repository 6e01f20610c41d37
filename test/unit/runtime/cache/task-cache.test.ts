// The cache check in the attempt path (issue 12): hit, miss and fill, ttl, deleted outputs,
// --no-cache, --refresh, failures never cached, early cutoff.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { mkdir, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { beforeAll, describe, expect, test } from 'vitest'
import { runTaskAttempt } from '../../../../src/runtime/attempt.ts'
import { cacheSettingsFromEnv, cacheSettingsToEnv, createTaskCache, keyOf, type CacheSettings } from '../../../../src/runtime/cache/task-cache.ts'
import { createCodeHasher } from '../../../../src/runtime/cache/code-hash.ts'
import { storedItemCacheKey } from '../../../../src/runtime/map/stored-item-key.ts'
import { createIoManagers } from '../../../../src/runtime/io-managers.ts'
import { fsIo } from '../../../../src/plugins/io/fs/index.ts'
import type { AttemptRequest, StoredRef } from '../../../../src/plugins/types.ts'
import type { Pipeline } from '../../../../src/spec/model.ts'
import { pipelineFromYaml, tempDir } from '../helpers.ts'

let dir: string
const calls = (): Record<string, number> => ((globalThis as Record<string, unknown>).__weirCacheCalls ??= {}) as Record<string, number>

beforeAll(async () => {
  dir = await tempDir('weir-task-cache-')
  await writeFile(join(dir, 'package.json'), '{"type":"module"}')
  await mkdir(join(dir, 'handlers'))
  await writeFile(
    join(dir, 'handlers', 'h.ts'),
    `const count = (name) => { const c = (globalThis.__weirCacheCalls ??= {}); c[name] = (c[name] ?? 0) + 1 }
export function make(inputs, ctx) { count('make'); ctx.values.set('n', 2); return { total: inputs.x * 2 } }
export function use(inputs) { count('use'); return { seen: inputs.up } }
export function broken() { count('broken'); throw new Error('no') }
`,
  )
})

const SPEC = `apiVersion: weir/v1
kind: Pipeline
name: cached
params:
  x: { type: number, default: 1 }
defaults:
  cache: { ttl: 1h }
tasks:
  make:
    handler: ./handlers/h.ts#make
    inputs: { x: "\${{ params.x }}" }
    values: { n: { type: integer } }
  use:
    handler: ./handlers/h.ts#use
    inputs: { up: "\${{ tasks.make.output }}" }
  broken:
    handler: ./handlers/h.ts#broken
`

const silent = { debug() {}, info() {}, warn() {}, error() {} }
/** The entry files of a task of pipeline `cached`. */
const entryFiles = (task: string): string[] => {
  const root = join(dir, '.weir', 'data', '_cache', 'cached')
  if (!existsSync(root)) return []
  return readdirSync(root).flatMap((shard) => readdirSync(join(root, shard)).filter((f) => f.startsWith(`${task}.`)).map((f) => join(root, shard, f)))
}
const entryFileOfRun = (task: string, run: string): string => entryFiles(task).find((f) => JSON.parse(readFileSync(f, 'utf8')).runId === run)!
const env = () => ({ cwd: dir, stateDir: join(dir, '.weir'), log: silent })

async function setup(settings: CacheSettings = {}, now = () => Date.parse('2026-12-04T12:00:00Z')) {
  const pipeline: Pipeline = { ...(await pipelineFromYaml(SPEC, dir)), sourcePath: join(dir, 'pipeline.yaml') }
  const ioManager = createIoManagers(pipeline, [fsIo as never], env())
  const cache = createTaskCache({ ioManager, projectRoot: dir, settings, now })
  const attempt = (taskId: string, runId: string, over: Partial<AttemptRequest> = {}) =>
    runTaskAttempt(
      {
        pipeline, task: pipeline.tasks.get(taskId)!, runId, attempt: 1, params: { x: 1 }, upstreamOutputs: {}, upstreamValues: {},
        signal: new AbortController().signal, log: silent, run: { trigger: 'manual' }, ...over,
      },
      { ioManager, projectRoot: dir, cache },
    )
  return { attempt }
}

let runs = 0
const runId = () => `20261204-120000-${String(++runs).padStart(6, '0')}`

describe('cache settings for a weir execute child', () => {
  test.each([
    [{}, {}],
    [{ disabled: true }, {}],
    [{ refresh: new Set(['a', 'b']) }, {}],
    // A variable left in the environment the child inherits does not outweigh the parent's settings.
    [{}, { WEIR_CACHE_DISABLED: '1', WEIR_CACHE_REFRESH: 'a' }],
    [{ refresh: new Set(['b']) }, { WEIR_CACHE_DISABLED: '1', WEIR_CACHE_REFRESH: 'a' }],
  ] as [CacheSettings, NodeJS.ProcessEnv][])('the child gets the parent settings %j whatever the inherited environment %j says', (settings, inherited) => {
    expect(cacheSettingsFromEnv({ ...inherited, ...cacheSettingsToEnv(settings) })).toEqual(settings)
  })
})

describe('task cache in the attempt', () => {
  test('a second run of an unchanged task is a hit: same output ref and values, handler not called', async () => {
    const { attempt } = await setup()
    const before = calls().make ?? 0
    const first = await attempt('make', runId())
    expect(first).toMatchObject({ status: 'succeeded', values: { n: 2 } })
    expect(first).not.toHaveProperty('cachedFrom')
    const firstRun = `20261204-120000-${String(runs).padStart(6, '0')}`
    const second = await attempt('make', runId())
    expect(second).toEqual({ status: 'succeeded', output: (first as { output: StoredRef }).output, values: { n: 2 }, cachedFrom: { runId: firstRun, key: expect.stringMatching(/^[0-9a-f]{64}$/) } })
    expect(calls().make).toBe(before + 1)
  })

  test('a changed param is a miss', async () => {
    const { attempt } = await setup()
    await attempt('make', runId())
    const other = await attempt('make', runId(), { params: { x: 5 } })
    expect(other).not.toHaveProperty('cachedFrom')
    expect(other).toMatchObject({ status: 'succeeded' })
  })

  test('failures are never cached', async () => {
    const { attempt } = await setup()
    const before = calls().broken ?? 0
    expect(await attempt('broken', runId())).toMatchObject({ status: 'failed' })
    expect(await attempt('broken', runId())).toMatchObject({ status: 'failed' })
    expect(calls().broken).toBe(before + 2)
  })

  test('an entry older than the ttl is a miss, and the new result replaces it', async () => {
    let now = Date.parse('2027-01-01T00:00:00Z')
    const { attempt } = await setup({}, () => now)
    await attempt('make', runId(), { params: { x: 11 } })
    now += 2 * 3_600_000
    const later = await attempt('make', runId(), { params: { x: 11 } })
    expect(later).not.toHaveProperty('cachedFrom')
    const laterRun = `20261204-120000-${String(runs).padStart(6, '0')}`
    expect(await attempt('make', runId(), { params: { x: 11 } })).toMatchObject({ cachedFrom: { runId: laterRun } })
  })

  test('a cached output that was deleted is a miss, not an error', async () => {
    const { attempt } = await setup()
    const first = (await attempt('make', runId(), { params: { x: 21 } })) as { output: StoredRef }
    await rm(fileURLToPath(first.output.uri))
    const again = await attempt('make', runId(), { params: { x: 21 } })
    expect(again).toMatchObject({ status: 'succeeded' })
    expect(again).not.toHaveProperty('cachedFrom')
  })

  test('a cached output written over since (the same run id executed again) is a miss, not a hit serving the new bytes', async () => {
    const { attempt } = await setup()
    const repeated = runId()
    const first = (await attempt('make', repeated, { params: { x: 23 } })) as { output: StoredRef }
    expect(first.output.version).toBeDefined()
    // Another key (x), the same run and task: the same output file, now holding {"total":4600}.
    const over = (await attempt('make', repeated, { params: { x: 2300 } })) as { output: StoredRef }
    expect(over.output.uri).toBe(first.output.uri)
    const again = await attempt('make', runId(), { params: { x: 23 } })
    expect(again).toMatchObject({ status: 'succeeded' })
    expect(again).not.toHaveProperty('cachedFrom')
    expect((again as { output: StoredRef }).output.contentHash).toBe(first.output.contentHash)
  })

  test('an entry whose values the task would refuse (an edited entry) is a miss, and the new result replaces it', async () => {
    const { attempt } = await setup()
    const run = runId()
    await attempt('make', run, { params: { x: 25 } })
    const file = entryFileOfRun('make', run)
    for (const values of [{ n: 'not an integer' }, { n: 2, undeclared: true }]) {
      writeFileSync(file, JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), values }))
      const again = await attempt('make', runId(), { params: { x: 25 } })
      expect(again).not.toHaveProperty('cachedFrom')
      expect(again).toMatchObject({ status: 'succeeded', values: { n: 2 } })
      expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ values: { n: 2 }, replaced: { reason: 'damaged' } })
    }
  })

  test('an output written outside the IoManager (--output-prefix elsewhere) stores no entry, and the debug log says why', async () => {
    const pipeline: Pipeline = { ...(await pipelineFromYaml(SPEC, dir)), sourcePath: join(dir, 'pipeline.yaml') }
    const ioManager = createIoManagers(pipeline, [fsIo as never], env())
    const cache = createTaskCache({ ioManager, projectRoot: dir })
    const debug: string[] = []
    const log = { ...silent, debug: (m: string) => void debug.push(m) }
    const request = { pipeline, task: pipeline.tasks.get('make')!, runId: runId(), attempt: 1, params: { x: 27 }, upstreamOutputs: {}, upstreamValues: {}, signal: new AbortController().signal, log, run: { trigger: 'manual' } }
    const before = entryFiles('make').length
    const outside = await runTaskAttempt(request, { ioManager, projectRoot: dir, cache, outputPrefix: join(dir, 'elsewhere', 'make') })
    expect(outside).toMatchObject({ status: 'succeeded', output: { uri: expect.stringContaining('/elsewhere/make/') } })
    expect(entryFiles('make')).toHaveLength(before)
    expect(debug).toContainEqual(expect.stringContaining("is outside the storage of IoManager 'default'"))
  })

  test('--no-cache neither looks up nor stores; --refresh runs the task and replaces its entry', async () => {
    const x = { params: { x: 31 } }
    const seeded = await (await setup()).attempt('make', runId(), x)
    expect(seeded).not.toHaveProperty('cachedFrom')
    expect(await (await setup({ disabled: true })).attempt('make', runId(), x)).not.toHaveProperty('cachedFrom')
    const refreshed = await (await setup({ refresh: new Set(['make']) })).attempt('make', runId(), x)
    expect(refreshed).not.toHaveProperty('cachedFrom')
    const refreshedRun = `20261204-120000-${String(runs).padStart(6, '0')}`
    expect(await (await setup()).attempt('make', runId(), x)).toMatchObject({ cachedFrom: { runId: refreshedRun } })
  })

  test('early cutoff: a downstream task hits when its upstream re-ran and wrote identical bytes', async () => {
    const { attempt } = await setup()
    const up1 = (await attempt('make', runId(), { params: { x: 41 } })) as { output: StoredRef }
    const down1 = await attempt('use', runId(), { upstreamOutputs: { make: up1.output } })
    expect(down1).not.toHaveProperty('cachedFrom')
    // The upstream ran again (--refresh) into another run's folder, with the same bytes.
    const up2 = (await (await setup({ refresh: new Set(['make']) })).attempt('make', runId(), { params: { x: 41 } })) as { output: StoredRef }
    expect(up2.output.uri).not.toBe(up1.output.uri)
    expect(up2.output.contentHash).toBe(up1.output.contentHash)
    expect(await attempt('use', runId(), { upstreamOutputs: { make: up2.output } })).toHaveProperty('cachedFrom')
  })

  test("an upstream output's form is in the key: the same bytes as JSON, a Buffer or a stream are other inputs, for a task and a fan-in", async () => {
    const pipeline: Pipeline = { ...(await pipelineFromYaml(SPEC, dir)), sourcePath: join(dir, 'pipeline.yaml') }
    const ioManager = createIoManagers(pipeline, [fsIo as never], env())
    const hasher = createCodeHasher(dir)
    const contentHash = `sha256:${'a'.repeat(64)}`
    const refs: StoredRef[] = [
      { uri: 'file:///x/output.json', format: 'json', io: 'fs', contentHash },
      { uri: 'file:///x/output.bin', format: 'bytes', io: 'fs', contentHash },
      { uri: 'file:///x/output.bin', format: 'bytes', io: 'fs', stream: true, contentHash },
    ]
    const base = { pipeline, task: pipeline.tasks.get('use')!, params: { x: 1 }, upstreamValues: {}, runId: 'r', run: { trigger: 'manual' }, signal: new AbortController().signal }
    const single = await Promise.all(refs.map(async (ref) => (await keyOf({ ...base, upstreamOutputs: { make: ref } }, ioManager, hasher))!.key))
    const fanIn = await Promise.all(refs.map(async (ref) => (await keyOf({ ...base, upstreamOutputs: {}, upstreamItemOutputs: { make: [ref, ref] } }, ioManager, hasher))!.key))
    expect(new Set([...single, ...fanIn]).size).toBe(6)
    // Another file with the same content and form: the same key (early cutoff).
    expect((await keyOf({ ...base, upstreamOutputs: { make: { ...refs[2]!, uri: 'file:///y/output.bin' } } }, ioManager, hasher))!.key).toBe(single[2])
    // A map → map item stands in its key by its stored output's content and form.
    expect(new Set(refs.map(storedItemCacheKey)).size).toBe(3)
    expect(storedItemCacheKey({ ...refs[0]!, uri: 'file:///y/output.json' })).toBe(storedItemCacheKey(refs[0]))
  })

  test('an upstream ref without a content hash (an older weir) is hashed by reading it back', async () => {
    const { attempt } = await setup()
    const up = (await attempt('make', runId(), { params: { x: 51 } })) as { output: StoredRef }
    const { contentHash: _dropped, ...old } = up.output
    await attempt('use', runId(), { upstreamOutputs: { make: old } })
    expect(await attempt('use', runId(), { upstreamOutputs: { make: up.output } })).toHaveProperty('cachedFrom')
  })
})
