/**
 * The contract of an IoManager's cache index (docs/caching.md): entries round-trip, `create` never
 * overwrites, concurrent creators of one key all end with the one entry that was stored, `replace`
 * overwrites, listing filters by pipeline and task, removal takes the output along only when asked.
 * Each `*-cache.test.ts` beside this file runs it against one IoManager.
 */
import { createHash, randomUUID } from 'node:crypto'
import { describe, expect, test as vitestTest } from 'vitest'
import type { CacheEntry, CacheIndex, IoContext, IoManager } from '../../src/plugins/types.ts'

const silentLog = { debug() {}, info() {}, warn() {}, error() {} }
const ctx: IoContext = { signal: new AbortController().signal, log: silentLog, output: { kind: 'any' } }
const signal = ctx.signal
const keyOf = (text: string) => createHash('sha256').update(text).digest('hex')

export interface CacheContractOptions {
  /** Known gaps: test name → reason. Skipped tests show the reason. */
  readonly skip?: Readonly<Record<string, string>>
  /**
   * A URI of the IoManager's scheme that is not one of its own objects (outside its root, in another
   * bucket); absent when every URI of its scheme is its own (`memory`).
   */
  readonly foreignUri?: string
}

/** Returns a fresh IoManager per test (its own folder, bucket or instance). */
export function cacheIndexContract(make: () => Promise<IoManager>, options: CacheContractOptions = {}): void {
  const test = (name: string, fn: () => Promise<void>) => {
    const reason = options.skip?.[name]
    if (reason === undefined) vitestTest(name, fn)
    else vitestTest.skip(`${name} (skipped: ${reason})`, fn)
  }
  const setup = async () => {
    const io = await make()
    expect(io.cache).toBeDefined()
    return { io, cache: io.cache as CacheIndex }
  }
  const entryFor = async (io: IoManager, over: Partial<CacheEntry> = {}): Promise<CacheEntry> => {
    const pipeline = over.pipeline ?? 'contract'
    const task = over.task ?? 'extract'
    const runId = over.runId ?? `run-${randomUUID()}`
    const output = await io.write({ pipeline, runId, taskId: task }, { runId }, ctx)
    return {
      format: 1, pipeline, task, key: keyOf(randomUUID()), components: { code: keyOf('code'), inputs: keyOf('inputs') },
      runId, createdAt: new Date(0).toISOString(), output, values: { rows: 3 }, ...over,
    }
  }

  describe('cache index contract', () => {
    test('an address without an entry reads as none', async () => {
      const { cache } = await setup()
      expect(await cache.read({ pipeline: 'contract', task: 'extract', key: keyOf('nothing') }, signal)).toBeUndefined()
    })

    test('an entry written is read back whole', async () => {
      const { io, cache } = await setup()
      const entry = await entryFor(io)
      expect(await cache.write(entry, 'create', signal)).toEqual(entry)
      expect(await cache.read(entry, signal)).toEqual(entry)
      expect(await cache.read({ ...entry, task: 'other' }, signal)).toBeUndefined()
    })

    test('create does not overwrite: it answers with the entry already stored', async () => {
      const { io, cache } = await setup()
      const first = await entryFor(io)
      const second = await entryFor(io, { key: first.key })
      await cache.write(first, 'create', signal)
      expect(await cache.write(second, 'create', signal)).toEqual(first)
      expect(await cache.read(first, signal)).toEqual(first)
    })

    test('concurrent creators of one key all end with the one entry that was stored, never a torn one', async () => {
      const { io, cache } = await setup()
      const key = keyOf(randomUUID())
      const entries = await Promise.all(Array.from({ length: 8 }, () => entryFor(io, { key })))
      const standing = await Promise.all(entries.map((e) => cache.write(e, 'create', signal)))
      const stored = await cache.read(entries[0]!, signal)
      expect(stored).toBeDefined()
      expect(entries.map((e) => e.runId)).toContain(stored!.runId)
      for (const s of standing) expect(s).toEqual(stored)
      expect((await cache.list({ pipeline: 'contract', task: 'extract' }, signal)).filter((e) => e.key === key)).toHaveLength(1)
    })

    test('replace overwrites the entry at the address', async () => {
      const { io, cache } = await setup()
      const first = await entryFor(io)
      const second = await entryFor(io, { key: first.key })
      await cache.write(first, 'create', signal)
      expect(await cache.write(second, 'replace', signal)).toEqual(second)
      expect(await cache.read(first, signal)).toEqual(second)
    })

    test('lists every entry, one pipeline, or one task of a pipeline', async () => {
      const { io, cache } = await setup()
      const a = await entryFor(io, { pipeline: 'sales', task: 'extract' })
      const b = await entryFor(io, { pipeline: 'sales', task: 'report' })
      const c = await entryFor(io, { pipeline: 'stock', task: 'extract' })
      for (const e of [a, b, c]) await cache.write(e, 'create', signal)
      const keys = (entries: CacheEntry[]) => entries.map((e) => e.key).sort()
      expect(keys(await cache.list({}, signal))).toEqual([a.key, b.key, c.key].sort())
      expect(keys(await cache.list({ pipeline: 'sales' }, signal))).toEqual([a.key, b.key].sort())
      expect(keys(await cache.list({ pipeline: 'sales', task: 'report' }, signal))).toEqual([b.key])
      expect(await cache.list({ pipeline: 'nothing' }, signal)).toEqual([])
    })

    test('remove takes the entry, and the output only when asked', async () => {
      const { io, cache } = await setup()
      const kept = await entryFor(io)
      const dropped = await entryFor(io)
      for (const e of [kept, dropped]) await cache.write(e, 'create', signal)
      await cache.remove(kept, { output: false }, signal)
      await cache.remove(dropped, { output: true }, signal)
      expect(await cache.read(kept, signal)).toBeUndefined()
      expect(await cache.read(dropped, signal)).toBeUndefined()
      expect(await io.exists!(kept.output!, ctx)).toBe(true)
      expect(await io.exists!(dropped.output!, ctx)).toBe(false)
      await cache.remove(dropped, { output: true }, signal)
    })

    test('an entry that points outside its IoManager is not trusted', async () => {
      const { io, cache } = await setup()
      const entry = await entryFor(io)
      const foreign = { ...entry, output: { uri: 'file:///etc/passwd', format: 'json' as const, io: 'elsewhere' } }
      await cache.write(foreign, 'create', signal)
      expect(await cache.read(entry, signal)).toBeUndefined()
    })

    const foreignUri = options.foreignUri
    if (foreignUri === undefined) vitestTest.skip('an entry whose output has its scheme and type but is not its own object is not trusted (skipped: every URI of its scheme is its own)', () => {})
    else
      test('an entry whose output has its scheme and type but is not its own object is not trusted', async () => {
        const { io, cache } = await setup()
        const entry = await entryFor(io)
        const planted = { ...entry, output: { ...entry.output!, uri: foreignUri } }
        expect(await cache.owns?.(entry.output!)).toBe(true)
        expect(await cache.owns?.(planted.output)).toBe(false)
        await cache.write(planted, 'create', signal)
        expect(await cache.read(entry, signal)).toBeUndefined()
        expect(await cache.list({ pipeline: entry.pipeline, task: entry.task }, signal)).toEqual([])
      })

    test('inspect tells a damaged entry (another address\'s, an untrusted output) from none', async () => {
      const { io, cache } = await setup()
      const entry = await entryFor(io)
      // Optional in CacheIndex: an index without it skips this test, naming why.
      const inspect = cache.inspect!.bind(cache)
      expect(await inspect(entry, signal)).toBeUndefined()
      await cache.write({ ...entry, output: { ...entry.output!, io: 'elsewhere' } }, 'create', signal)
      expect(await inspect(entry, signal)).toBe('damaged')
      expect(await cache.read(entry, signal)).toBeUndefined()
      await cache.write(entry, 'replace', signal)
      expect(await inspect(entry, signal)).toEqual(entry)
    })

    test('an entry whose values are not an object of names is not trusted', async () => {
      const { io, cache } = await setup()
      for (const values of [[1, 2], null, 'rows']) {
        const entry = await entryFor(io, { values: values as never })
        await cache.write(entry, 'create', signal)
        expect(await cache.read(entry, signal)).toBeUndefined()
      }
    })
  })
}
