// --explain-cache and --dry-run (issue 12): the verdict names the component of the key that
// changed since the task's latest entry, and what changed inside it; hits, new tasks, ttl,
// --refresh; predictions follow hits downstream and stop at tasks that would run.
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { cacheVerdict, verdictWord, type CacheVerdict } from '../../../../src/runtime/cache/explain-cache.ts'
import { predictCache } from '../../../../src/runtime/cache/predict-cache.ts'
import { formatVerdict } from '../../../../src/cli/display/cache-verdict.ts'
import { createPalette } from '../../../../src/cli/colors.ts'
import { createSecretHasher, type SecretHasher } from '../../../../src/runtime/cache/secret-hash.ts'
import { createCodeHasher } from '../../../../src/runtime/cache/code-hash.ts'
import { createTaskCache, type CacheSettings } from '../../../../src/runtime/cache/task-cache.ts'
import { createIoManagers } from '../../../../src/runtime/io-managers.ts'
import { fsIo } from '../../../../src/plugins/io/fs/index.ts'
import type { AttemptRequest, StoredRef } from '../../../../src/plugins/types.ts'
import { pipelineFromYaml, tempDir } from '../helpers.ts'

const silent = { debug() {}, info() {}, warn() {}, error() {} }
const signal = new AbortController().signal
const hashRef = (c: string): StoredRef => ({ uri: 'file:///nowhere/output.json', format: 'json', io: 'fs', contentHash: `sha256:${c.repeat(64)}` })

const spec = (over: { handler?: string; output?: string; version?: string } = {}) => `apiVersion: weir/v1
kind: Pipeline
name: explained
params:
  x: { type: number, default: 1 }
defaults:
  cache: { version: "${over.version ?? '1'}", ttl: 1h }
tasks:
  make:
    handler: ./handlers/h.ts#make
    values: { n: { type: integer } }
  use:
    handler: ./handlers/h.ts#${over.handler ?? 'use'}
    inputs: { up: "\${{ tasks.make.output }}", k: 1, p: "\${{ params.x }}" }
${over.output ? `    output: ${over.output}\n` : ''}`

interface Situation {
  spec?: string
  params?: Record<string, unknown>
  upstream?: StoredRef
  values?: Record<string, unknown>
  settings?: CacheSettings
  now?: number
  secrets?: SecretHasher
}

async function project() {
  const dir = await tempDir('weir-explain-cache-')
  await writeFile(join(dir, 'package.json'), '{"type":"module"}')
  await mkdir(join(dir, 'handlers'))
  await writeFile(join(dir, 'handlers', 'lib.ts'), 'export const one = 1\n')
  await writeFile(join(dir, 'handlers', 'h.ts'), "import { one } from './lib.ts'\nexport const make = () => one\nexport const use = () => one\nexport const use2 = () => one\n")
  const ioRoot = join(dir, '.weir')
  const setup = async (s: Situation) => {
    const pipeline = await pipelineFromYaml(s.spec ?? spec(), dir)
    const ioManager = createIoManagers(pipeline, [fsIo as never], { cwd: dir, stateDir: ioRoot, log: silent })
    const request: AttemptRequest = {
      pipeline, task: pipeline.tasks.get('use')!, runId: 'r1', attempt: 1, params: s.params ?? { x: 1 },
      upstreamOutputs: { make: s.upstream ?? hashRef('a') }, upstreamValues: { make: s.values ?? { n: 1 } }, signal, log: silent, run: { trigger: 'manual' },
    }
    return { pipeline, ioManager, request }
  }
  /** Stores the entry of run `runId` as an attempt would. */
  const store = async (runId: string, s: Situation = {}, at = '2026-12-04T12:00:00Z') => {
    const { ioManager, request } = await setup(s)
    const cache = createTaskCache({ ioManager, projectRoot: dir, now: () => Date.parse(at), ...(s.secrets && { secrets: s.secrets }) })
    const decision = await cache.check({ ...request, runId })
    if (decision.kind !== 'miss') throw new Error(`expected a miss, got ${decision.kind}`)
    await cache.fill({ ...request, runId }, decision, { values: {} })
  }
  const verdict = async (s: Situation = {}): Promise<CacheVerdict> => {
    const { ioManager, request } = await setup(s)
    return cacheVerdict(request, { ioManager, hasher: createCodeHasher(dir), signal, now: () => s.now ?? Date.parse('2026-12-04T12:30:00Z'), ...(s.settings && { settings: s.settings }), ...(s.secrets && { secrets: s.secrets }) })
  }
  return { dir, store, verdict, setup }
}

const changes = (v: CacheVerdict) => (v.kind === 'miss' ? v.changes.map((c) => [c.component, ...c.details]) : v.kind)

describe('the cache verdict on a task', () => {
  test('no entry yet is new; the same key again is a hit from the run that stored it', async () => {
    const p = await project()
    expect(await p.verdict()).toMatchObject({ kind: 'miss', reason: 'new', changes: [] })
    await p.store('r0')
    const hit = await p.verdict()
    expect(hit).toMatchObject({ kind: 'hit', entry: { runId: 'r0' } })
    expect(verdictWord(hit)).toBe('hit')
  })

  test.each([
    ['editing a file the handler imports names that file', async (dir: string) => writeFile(join(dir, 'handlers', 'lib.ts'), 'export const one = 2\n'), {}, [['code', 'handlers/lib.ts changed']]],
    ['another export', undefined, { spec: spec({ handler: 'use2' }) }, [['export', "the handler's export is now 'use2'"]]],
    ['an upstream output with other content names the input and what it reads', undefined, { upstream: hashRef('b') }, [['inputs', "input 'up' changed (reads the output of make)"]]],
    ['a param value names the param, not its value', undefined, { params: { x: 2 } }, [['params', "param 'x' has another value"]]],
    ["an upstream task's values", undefined, { values: { n: 2 } }, [['values', "the values task 'make' set changed"]]],
    ['a declared output schema', undefined, { spec: spec({ output: '{ type: object }' }) }, [['schemas', "the task's output: schema changed"]]],
    ['the cache version', undefined, { spec: spec({ version: '2' }) }, [['version', "cache version is now '2'"]]],
  ] as const)('%s', async (_name, edit, situation, expected) => {
    const p = await project()
    await p.store('r0')
    await edit?.(p.dir)
    const v = await p.verdict(situation)
    expect(v).toMatchObject({ kind: 'miss', reason: 'changed', previous: { runId: 'r0' } })
    expect(changes(v)).toEqual(expected)
    expect(verdictWord(v)).toBe(expected.map((e) => e[0]).join('+'))
  })

  test('a secret param whose keyed hash differs may have another value or another key: both are said', async () => {
    const p = await project()
    const secretSpec = spec().replace('  x: { type: number, default: 1 }\n', '  x: { type: number, default: 1 }\n  tok: { type: string, writeOnly: true }\n')
    const key = (k: string) => createSecretHasher(p.dir, { WEIR_CACHE_SECRET_KEY: k })
    await p.store('r0', { spec: secretSpec, params: { x: 1, tok: 'same' }, secrets: key('k1') })
    expect((await p.verdict({ spec: secretSpec, params: { x: 1, tok: 'same' }, secrets: key('k1') })).kind).toBe('hit')
    const v = await p.verdict({ spec: secretSpec, params: { x: 1, tok: 'same' }, secrets: key('k2') })
    expect(changes(v)).toEqual([['params', "param 'tok' (a secret) has another value, or its hash was made under another key (WEIR_CACHE_SECRET_KEY, or another state dir's keys/cache-secret.key)"]])
  })

  test('several changes at once are all named, and compared with the latest entry of the task', async () => {
    const p = await project()
    await p.store('r0', {}, '2026-12-04T11:00:00Z')
    await p.store('r1', { params: { x: 5 } }, '2026-12-04T12:00:00Z')
    const v = await p.verdict({ params: { x: 6 }, values: { n: 3 } })
    expect(v).toMatchObject({ kind: 'miss', reason: 'changed', previous: { runId: 'r1' } })
    expect(verdictWord(v)).toBe('params+values')
  })

  test("a change in weir's cache format is named (an entry of another format)", async () => {
    const p = await project()
    await p.store('r0')
    const { ioManager } = await p.setup({})
    const [entry] = await ioManager('default').cache!.list({ pipeline: 'explained', task: 'use' }, signal)
    await ioManager('default').cache!.write({ ...entry!, key: 'f'.repeat(64), components: { ...entry!.components, format: 'old' } }, 'replace', signal)
    await ioManager('default').cache!.remove(entry!, { output: false }, signal)
    expect(changes(await p.verdict())).toEqual([['format', "weir's cache format changed (a weir upgrade): every entry made before it misses once"]])
  })

  test('an entry older than the ttl is expired; --refresh and --no-cache say so', async () => {
    const p = await project()
    await p.store('r0')
    expect(await p.verdict({ now: Date.parse('2026-12-04T14:00:00Z') })).toMatchObject({ kind: 'miss', reason: 'expired', previous: { runId: 'r0' } })
    expect(await p.verdict({ settings: { refresh: new Set(['use']) } })).toMatchObject({ kind: 'miss', reason: 'refresh' })
    expect(await p.verdict({ settings: { disabled: true } })).toEqual({ kind: 'off', reason: 'no-cache' })
  })

  test('a damaged entry at the key (cut short) is named so, before the run and after it, not compared with another entry', async () => {
    const p = await project()
    await p.store('r0', {}, '2026-12-04T11:00:00Z')
    await p.store('r1', { params: { x: 2 } }, '2026-12-04T12:00:00Z')
    const { ioManager, request, pipeline } = await p.setup({})
    const [r0] = (await ioManager('default').cache!.list({ pipeline: 'explained', task: 'use' }, signal)).filter((e) => e.runId === 'r0')
    const file = join(p.dir, '.weir', 'data', '_cache', 'explained', r0!.key[0]!, `use.${r0!.key}.json`)
    await writeFile(file, (await readFile(file, 'utf8')).slice(0, 50))
    const before = await p.verdict()
    expect(before).toEqual({ kind: 'miss', reason: 'damaged', key: expect.objectContaining({ key: r0!.key }), changes: [] })
    expect(verdictWord(before)).toBe('damaged')
    expect(formatVerdict(pipeline.tasks.get('use')!, before, createPalette(false))).toContain('miss (damaged): the entry at this key is damaged: it could not be read')

    const cache = createTaskCache({ ioManager, projectRoot: p.dir })
    const decision = await cache.check({ ...request, runId: 'r2' })
    expect(decision).toMatchObject({ kind: 'miss', replace: true, stale: { reason: 'damaged' } })
    await cache.fill({ ...request, runId: 'r2' }, decision as never, { values: {} })
    expect(await cacheVerdict({ ...request, runId: 'r2', ignoreRunId: 'r2' }, { ioManager, hasher: createCodeHasher(p.dir), signal })).toEqual({ kind: 'miss', reason: 'damaged', key: expect.anything(), changes: [] })
    expect(await p.verdict()).toMatchObject({ kind: 'hit', entry: { runId: 'r2', replaced: { reason: 'damaged' } } })
  })

  test('a run that replaced a stale entry is explained by what it replaced, not as new', async () => {
    const p = await project()
    await p.store('r0')
    const { ioManager, request } = await p.setup({})
    const cache = createTaskCache({ ioManager, projectRoot: p.dir, now: () => Date.parse('2026-12-04T14:00:00Z') })
    const decision = await cache.check({ ...request, runId: 'r2' })
    expect(decision).toMatchObject({ kind: 'miss', stale: { reason: 'expired' } })
    await cache.fill({ ...request, runId: 'r2' }, decision as never, { values: {} })
    const v = await cacheVerdict({ ...request, runId: 'r2', ignoreRunId: 'r2' }, { ioManager, hasher: createCodeHasher(p.dir), signal })
    expect(v).toMatchObject({ kind: 'miss', reason: 'expired', previous: { runId: 'r0' } })
  })
})

describe('predictions for --dry-run', () => {
  test('a hit makes its downstream task judgeable; a miss leaves it unknown (upstream)', async () => {
    const p = await project()
    const { pipeline, ioManager } = await p.setup({})
    const cache = createTaskCache({ ioManager, projectRoot: p.dir })
    const predict = () => predictCache({ pipeline, params: { x: 1 }, ioManager, projectRoot: p.dir, signal })
    const first = await predict()
    expect(first.get('make')).toMatchObject({ kind: 'miss', reason: 'new' })
    expect(first.get('use')).toEqual({ kind: 'unknown', reason: 'upstream', upstream: ['make'] })

    // Store make's result as a run would, then use's with make's stored output as its upstream.
    const makeRequest: AttemptRequest = { pipeline, task: pipeline.tasks.get('make')!, runId: 'r0', attempt: 1, params: { x: 1 }, upstreamOutputs: {}, upstreamValues: {}, signal, log: silent, run: { trigger: 'manual' } }
    const output = await ioManager('default').write({ pipeline: 'explained', runId: 'r0', taskId: 'make' }, 1, { signal, log: silent, output: { kind: 'any' } })
    await cache.fill(makeRequest, (await cache.check(makeRequest)) as never, { output, values: { n: 1 } })
    const second = await predict()
    expect(second.get('make')).toMatchObject({ kind: 'hit', entry: { runId: 'r0' } })
    expect(second.get('use')).toMatchObject({ kind: 'miss', reason: 'new' })
    expect(verdictWord(second.get('use')!)).toBe('new')

    expect((await predictCache({ pipeline, params: { x: 1 }, ioManager, projectRoot: p.dir, signal, settings: { disabled: true } })).get('use')).toEqual({ kind: 'off', reason: 'no-cache' })
  })
})
