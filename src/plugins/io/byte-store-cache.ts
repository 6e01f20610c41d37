/**
 * The cache index of an IoManager built on a byte store (docs/caching.md): one JSON document per
 * entry at `<root>/_cache/<pipeline>/<k>/<task>.<key>.json`, beside the outputs, where `<k>` is the
 * key's first hex digit. `_cache` cannot be a pipeline name (those start with a letter), so entries
 * never mix with a run's outputs.
 *
 * Why 16 shared folders per pipeline rather than a folder per task: on `fs` a new folder costs
 * about as much as the entry itself, and a pipeline's first run would make one per task (1,000 for
 * a 1,000-task pipeline, `npm run bench cache`); with 16 shared folders only the first entries of a
 * pipeline make one. Entries of weir before this layout (`<pipeline>/<task>/<key>.json`) are still
 * listed and removed by `weir cache`, but no longer read: those tasks miss once and are stored anew.
 */
import type { CacheAddress, CacheEntry, CacheIndex, StoredRef } from '../types.ts'
import type { ByteStore } from './byte-store.ts'
import { checkSegment, joinUri } from './output-location.ts'

/** The folder segment under an IoManager's root that holds the cache index. */
export const CACHE_FOLDER = '_cache'
const KEY = /^[0-9a-f]{64}$/
/** `…/<pipeline>/<k>/<task>.<key>.json`, and the layout before it, `…/<pipeline>/<task>/<key>.json`. */
const ENTRY_NAME = /\/([^/]+)\/([^/]+)\.([0-9a-f]{64})\.json$/
const OLD_ENTRY_NAME = /\/([^/]+)\/([0-9a-f]{64})\.json$/
// An entry need not survive a crash: a lost or damaged one reads as a miss, and the task's next
// success stores it again. Stores may skip flushing it (the fs store does; it stays atomic).
const PUT = { contentType: 'application/json', durable: false } as const

/** The cache index over `store`, or undefined when the store cannot create, list and remove objects. */
export function createByteStoreCache(type: string, store: ByteStore): CacheIndex | undefined {
  const { create, list, remove } = store
  if (!create || !list || !remove) return undefined
  // The key folder machinery checks each segment: `<root>/_cache/<pipeline>/<k>`.
  const shardFolder = (pipeline: string, shard: string) => store.folderOf({ pipeline: CACHE_FOLDER, runId: pipeline, taskId: shard })
  const pipelineFolder = (pipeline: string) => parentOf(shardFolder(pipeline, '0'))
  const uriOf = (address: CacheAddress) => {
    if (!KEY.test(address.key)) throw new Error(`'${address.key}' is not a cache key (64 hex digits)`)
    return joinUri(shardFolder(address.pipeline, address.key[0]!), `${checkSegment('task id', address.task)}.${address.key}.json`)
  }
  /** Where `weir cache list` found each entry (an entry of the old layout is removed from there). */
  const foundAt = new WeakMap<CacheEntry, string>()
  /** The entry at `uri`; `damaged` when what is there is not a trusted entry (see `parseEntry`). */
  const inspectAt = async (uri: string, signal: AbortSignal, expected?: CacheAddress): Promise<CacheEntry | 'damaged' | undefined> => {
    let bytes: Buffer | undefined
    try {
      bytes = store.readSmall ? await store.readSmall(uri, signal) : await store.readAll(uri, signal)
    } catch (error) {
      if ((error as { code?: unknown }).code === 'OUTPUT_NOT_FOUND') return undefined
      throw error
    }
    return bytes && (parseEntry(bytes, (ref) => isOwnRef(ref, type, store), expected) ?? 'damaged')
  }
  const readAt = async (uri: string, signal: AbortSignal, expected?: CacheAddress): Promise<CacheEntry | undefined> => {
    const found = await inspectAt(uri, signal, expected)
    return found === 'damaged' ? undefined : found
  }

  return {
    read: (address, signal) => readAt(uriOf(address), signal, address),

    inspect: (address, signal) => inspectAt(uriOf(address), signal, address),

    owns: async (output) => isOwnRef(output, type, store),

    async write(entry, mode, signal) {
      const uri = uriOf(entry)
      const body = Buffer.from(JSON.stringify(entry), 'utf8')
      if (mode === 'replace') {
        await store.put(uri, body, { ...PUT, signal })
        return entry
      }
      if (await create.call(store, uri, body, { ...PUT, signal })) return entry
      const standing = await readAt(uri, signal, entry)
      if (standing) return standing
      // What stands is damaged (or vanished between the two calls): ours replaces it whole.
      await store.put(uri, body, { ...PUT, signal })
      return entry
    },

    async list(filter, signal) {
      const folder = filter.pipeline === undefined ? parentOf(pipelineFolder('p')) : pipelineFolder(filter.pipeline)
      const entries: CacheEntry[] = []
      for (const uri of await list.call(store, folder, signal)) {
        // The name says the task: entries of other tasks are not read.
        const name = ENTRY_NAME.exec(uri) ?? OLD_ENTRY_NAME.exec(uri)
        if (!name) continue
        const task = name.length === 4 ? name[2] : name[1]
        if (filter.task !== undefined && task !== filter.task) continue
        const entry = await readAt(uri, signal)
        if (entry && (filter.pipeline === undefined || entry.pipeline === filter.pipeline) && (filter.task === undefined || entry.task === filter.task)) {
          foundAt.set(entry, uri)
          entries.push(entry)
        }
      }
      return entries
    },

    async remove(entry, options, signal) {
      await remove.call(store, foundAt.get(entry) ?? uriOf(entry), signal)
      if (options.output && entry.output && isOwnRef(entry.output, type, store)) await remove.call(store, entry.output.uri, signal)
    },
  }
}

function parentOf(uri: string): string {
  return uri.replace(/\/+$/, '').replace(/\/[^/]*$/, '')
}

/**
 * An entry read from the store, or undefined when it is damaged or not what the address says: a
 * shared bucket is data, so an entry must name its own address and point at an output of this
 * IoManager (its own store: under its root, in its bucket) before it is trusted. Its values are
 * checked against the task's declaration when it is used (task-cache.ts).
 */
function parseEntry(bytes: Buffer, isOwn: (ref: unknown) => ref is StoredRef, expected?: CacheAddress): CacheEntry | undefined {
  let value: unknown
  try {
    value = JSON.parse(bytes.toString('utf8'))
  } catch {
    return undefined
  }
  if (value === null || typeof value !== 'object') return undefined
  const e = value as Partial<CacheEntry>
  const text = (v: unknown): v is string => typeof v === 'string'
  if (!text(e.pipeline) || !text(e.task) || !text(e.key) || !KEY.test(e.key) || !text(e.runId) || !text(e.createdAt)) return undefined
  if (typeof e.format !== 'number' || e.components === null || typeof e.components !== 'object') return undefined
  if (!isPlainObject(e.values)) return undefined
  if (expected && (e.pipeline !== expected.pipeline || e.task !== expected.task || e.key !== expected.key)) return undefined
  if (e.output !== undefined && !isOwn(e.output)) return undefined
  try {
    checkSegment('pipeline', e.pipeline)
    checkSegment('task id', e.task)
  } catch {
    return undefined
  }
  return e as CacheEntry
}

/** A ref this IoManager wrote: its type, a known format, and an object of its own store. */
function isOwnRef(ref: unknown, type: string, store: ByteStore): ref is StoredRef {
  if (!isPlainObject(ref)) return false
  const r = ref as Partial<Record<keyof StoredRef, unknown>>
  if (typeof r.uri !== 'string' || r.io !== type || (r.format !== 'json' && r.format !== 'bytes' && r.format !== 'parquet')) return false
  if (!optional(r.contentHash, 'string') || !optional(r.version, 'string') || !optional(r.sizeBytes, 'number') || !optional(r.stream, 'boolean')) return false
  return store.owns ? store.owns(r.uri) : r.uri.startsWith(`${store.scheme}//`)
}

function optional(value: unknown, type: 'string' | 'number' | 'boolean'): boolean {
  return value === undefined || typeof value === type
}

/** An object as JSON.parse makes them (not an array, not null). */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype
}
