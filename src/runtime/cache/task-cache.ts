/**
 * The cache check of one attempt (docs/caching.md): the key is made before the handler runs, the
 * task's IoManager's cache index is asked for it, and after a success the result is stored under
 * it. One `TaskCache` per run (or per `weir execute` process) shares the code hasher, so each
 * handler module is read and hashed once.
 *
 * Nothing here fails a task: a cache that cannot be read is a miss, one that cannot be written is
 * logged, and the task's own result stands either way.
 */
import { createHash } from 'node:crypto'
import { Readable } from 'node:stream'
import type { AttemptRequest, CacheAddress, CacheEntry, CacheIndex, StoredRef } from '../../plugins/types.ts'
import type { Pipeline, Task } from '../../spec/model.ts'
import type { IoManagerLookup } from '../io-managers.ts'
import { CACHE_FORMAT_VERSION, computeCacheKey, type CacheKey, type OutputIdentity } from './cache-key.ts'
import { formOf } from './output-form.ts'
import { sha256Hex } from './canonical-json.ts'
import { createCodeHasher, type CodeHasher } from './code-hash.ts'
import { refusedValues } from '../task-values.ts'
import { isSecretList } from '../map/secret-list.ts'
import type { SecretHasher } from './secret-hash.ts'

/** How a run uses the cache. */
export interface CacheSettings {
  /** `weir run --no-cache`: no task is looked up or stored. @default false */
  readonly disabled?: boolean
  /** `weir run --refresh TASK`: these tasks run and replace their entry; the rest may hit. */
  readonly refresh?: ReadonlySet<string>
}

/** `weir execute` learns the run's settings from its parent through these variables. */
const DISABLED_ENV = 'WEIR_CACHE_DISABLED'
const REFRESH_ENV = 'WEIR_CACHE_REFRESH'

/**
 * The environment of a `weir execute` process that carries `settings`. Both variables are always
 * set, empty when off: the child inherits the parent's environment, and one the user left there
 * (`WEIR_CACHE_DISABLED=1` in a CI job, meant for an engine's tasks) must not decide for the child
 * what the parent's own settings, which ignore it, decided otherwise.
 */
export function cacheSettingsToEnv(settings: CacheSettings): Record<string, string> {
  return {
    [DISABLED_ENV]: settings.disabled ? '1' : '',
    [REFRESH_ENV]: settings.refresh ? [...settings.refresh].join(',') : '',
  }
}

/** The settings a `weir execute` process was started with (none: the cache is on, nothing refreshed). */
export function cacheSettingsFromEnv(env: NodeJS.ProcessEnv): CacheSettings {
  const refresh = (env[REFRESH_ENV] ?? '').split(',').filter(Boolean)
  return { ...(env[DISABLED_ENV] === '1' && { disabled: true }), ...(refresh.length > 0 && { refresh: new Set(refresh) }) }
}

/** Where a hit's output came from: the run that computed it, and the key. */
export interface CachedFrom {
  readonly runId: string
  readonly key: string
}

/** What the attempt does about the cache. */
export type CacheDecision =
  /** The task is not cached (no `cache:`, `--no-cache`, an IoManager without an index, an input that cannot be hashed). */
  | { readonly kind: 'off' }
  | { readonly kind: 'hit'; readonly entry: CacheEntry; readonly from: CachedFrom }
  /**
   * Run the handler, then `fill` with this key; `replace` when a stale entry or `--refresh` is in
   * the way, and `stale` is that entry and why it was not used.
   */
  | { readonly kind: 'miss'; readonly key: CacheKey; readonly index: CacheIndex; readonly replace: boolean; readonly stale?: StaleEntry }

/** Why an entry at the task's key was not reused. */
export type StaleReason = 'expired' | 'deleted' | 'damaged' | 'refresh'

/** An entry at the task's key that was not reused. */
export interface StaleEntry {
  /** Absent when what stands at the key could not be read as an entry (`damaged`). */
  readonly entry?: CacheEntry
  /**
   * `expired`: older than the task's ttl; `deleted`: its output is gone or was written over;
   * `damaged`: unreadable, or not what the task could have stored (task values its declaration
   * refuses, an output that is not its IoManager's); `refresh`: `--refresh TASK`.
   */
  readonly reason: StaleReason
}

export interface TaskCache {
  /** Looks the attempt's task up; never throws. */
  check(request: AttemptRequest): Promise<CacheDecision>
  /** Stores a success under the key of a miss; never throws. */
  fill(request: AttemptRequest, miss: Extract<CacheDecision, { kind: 'miss' }>, result: { readonly output?: StoredRef; readonly values: Readonly<Record<string, unknown>> }): Promise<void>
}

export interface TaskCacheDeps {
  readonly ioManager: IoManagerLookup
  /** Handler paths in the key are relative to this folder. */
  readonly projectRoot: string
  readonly settings?: CacheSettings
  /** Hashes secret params and items into keys (secret-hash.ts); without it their tasks run uncached. */
  readonly secrets?: SecretHasher
  /** @default Date.now */
  readonly now?: () => number
}

/** Creates the cache of one run. */
export function createTaskCache(deps: TaskCacheDeps): TaskCache {
  const hasher: CodeHasher = createCodeHasher(deps.projectRoot)
  const now = deps.now ?? Date.now
  const settings = deps.settings ?? {}
  return {
    async check(request) {
      const { task, pipeline } = request
      if (!task.cache || settings.disabled) return { kind: 'off' }
      try {
        const index = deps.ioManager(task.io).cache
        if (!index) return { kind: 'off' }
        const key = await keyOf(request, deps.ioManager, hasher, deps.secrets)
        if (!key) return { kind: 'off' }
        const found = await inspect(index, { pipeline: pipeline.name, task: task.id, key: key.key }, request.signal)
        const entry = found === 'damaged' ? undefined : found
        if (settings.refresh?.has(task.id)) return { kind: 'miss', key, index, replace: true, ...(found && { stale: { ...(entry && { entry }), reason: 'refresh' } }) }
        // Said in the entry that replaces it, so `--explain-cache` can tell why the task ran.
        if (found === 'damaged') return { kind: 'miss', key, index, replace: true, stale: { reason: 'damaged' } }
        if (!entry) return { kind: 'miss', key, index, replace: false }
        const unusable = await whyUnusable(entry, pipeline, task, deps.ioManager, now(), request.signal)
        if (unusable === undefined) return { kind: 'hit', entry, from: { runId: entry.runId, key: key.key } }
        return { kind: 'miss', key, index, replace: true, stale: { entry, reason: unusable } }
      } catch (error) {
        request.log.warn(`cache lookup failed, running the task: ${(error as Error).message}`)
        return { kind: 'off' }
      }
    },

    async fill(request, miss, result) {
      const { task, pipeline } = request
      // An entry is trusted only when its output is the IoManager's own (byte-store-cache.ts): one
      // written elsewhere (`--output-prefix` outside its root or bucket) would never be a hit, and
      // the task would be run and stored again on every run.
      if (result.output && miss.index.owns && !(await miss.index.owns(result.output).catch(() => true))) {
        request.log.debug(`not stored in the cache: the output '${result.output.uri}' is outside the storage of IoManager '${task.io}', which keeps the cache`)
        return
      }
      const entry: CacheEntry = {
        format: CACHE_FORMAT_VERSION,
        pipeline: pipeline.name,
        task: task.id,
        key: miss.key.key,
        components: miss.key.components,
        parts: miss.key.parts,
        ...(miss.stale && { replaced: { ...(miss.stale.entry && { runId: miss.stale.entry.runId, createdAt: miss.stale.entry.createdAt }), reason: miss.stale.reason } }),
        runId: request.runId,
        createdAt: new Date(now()).toISOString(),
        ...(result.output && { output: result.output }),
        values: result.values,
      }
      try {
        await miss.index.write(entry, miss.replace ? 'replace' : 'create', request.signal)
      } catch (error) {
        request.log.warn(`could not store the result in the cache: ${(error as Error).message}`)
      }
    },
  }
}

/** The entry at an address, `damaged` for one that cannot be trusted (when the index tells), or undefined. */
export function inspect(index: CacheIndex, address: CacheAddress, signal: AbortSignal): Promise<CacheEntry | 'damaged' | undefined> {
  return index.inspect ? index.inspect(address, signal) : index.read(address, signal)
}

/**
 * An entry is reused only while it is younger than the task's ttl, its values are ones the task
 * could set (an entry is data anyone who can write the cache may have edited, and its values are
 * handed to downstream tasks as the task's), and its output is still there as it was written (an
 * output written over since, by the same run id executed again, counts as deleted: see
 * `IoManager.exists`); undefined when usable.
 */
export async function whyUnusable(entry: CacheEntry, pipeline: Pipeline, task: Task, ioManager: IoManagerLookup, nowMs: number, signal: AbortSignal): Promise<Exclude<StaleReason, 'refresh'> | undefined> {
  const ttlMs = task.cache?.ttlMs
  if (ttlMs !== undefined) {
    const created = Date.parse(entry.createdAt)
    if (!Number.isFinite(created) || created + ttlMs <= nowMs) return 'expired'
  }
  if ((await refusedValues(pipeline, task, entry.values)) !== undefined) return 'damaged'
  if (!entry.output) return undefined
  const io = ioManager(task.io)
  return !io.exists || (await io.exists(entry.output, { signal })) ? undefined : 'deleted'
}

export type KeyRequest = Pick<AttemptRequest, 'pipeline' | 'task' | 'params' | 'upstreamValues' | 'upstreamOutputs' | 'runId' | 'run' | 'signal'> & Partial<Pick<AttemptRequest, 'upstreamItemOutputs' | 'item'>>

/** The attempt's key; upstream outputs by the content hash in their ref, or hashed on read. */
export async function keyOf(request: KeyRequest, ioManager: IoManagerLookup, hasher: CodeHasher, secrets?: SecretHasher): Promise<CacheKey | undefined> {
  const { pipeline, task } = request
  const [codeHash, codeFiles] = await Promise.all([hasher.hashModule(task.handler.modulePath), hasher.filesOf(task.handler.modulePath)])
  return computeCacheKey({
    pipeline,
    task,
    params: request.params,
    upstreamValues: request.upstreamValues,
    run: { id: request.runId, pipeline: pipeline.name, trigger: request.run.trigger, scheduled_at: request.run.scheduledAt ?? null },
    codeHash,
    codeFiles,
    upstreamOutput: (taskId) => {
      const itemRefs = request.upstreamItemOutputs?.[taskId]
      return itemRefs ? itemOutputsOf(itemRefs, taskId, pipeline, ioManager, request.signal) : outputOf(request.upstreamOutputs[taskId], taskId, pipeline, ioManager, request.signal)
    },
    ...(request.item !== undefined && { item: isSecretList(pipeline, task) ? { ...request.item, secret: true } : request.item }),
    ...(secrets && { secrets }),
  })
}

/** A mapped upstream task's output (fan-in) by the hashes and forms of its items' outputs, in item order. */
async function itemOutputsOf(refs: readonly (StoredRef | undefined)[], taskId: string, pipeline: Pipeline, ioManager: IoManagerLookup, signal: AbortSignal): Promise<OutputIdentity | undefined> {
  const items: ([string, string] | null)[] = []
  for (const ref of refs) {
    const item = await outputOf(ref, taskId, pipeline, ioManager, signal)
    if (item === undefined) return undefined
    items.push(item && [item.hash, item.form])
  }
  return { hash: `sha256:${sha256Hex(JSON.stringify(items))}`, form: 'items' }
}

/** `null` for no output; else the output's form, with the ref's hash or the output read back and hashed (undefined for a table). */
async function outputOf(ref: StoredRef | undefined, taskId: string, pipeline: Pipeline, ioManager: IoManagerLookup, signal: AbortSignal): Promise<OutputIdentity | null | undefined> {
  if (!ref) return null
  const hash = await contentHashOf(ref, taskId, pipeline, ioManager, signal)
  return hash === undefined ? undefined : { hash, form: formOf(ref) }
}

/** The ref's content hash, else the output read back and hashed (undefined for a table). */
async function contentHashOf(ref: StoredRef, taskId: string, pipeline: Pipeline, ioManager: IoManagerLookup, signal: AbortSignal): Promise<string | undefined> {
  if (ref.contentHash) return ref.contentHash
  const upstream = pipeline.tasks.get(taskId)
  if (!upstream || ref.format === 'parquet') return undefined
  const silent = { debug() {}, info() {}, warn() {}, error() {} }
  const value = await ioManager(upstream.io).read(ref, { signal, log: silent, output: upstream.output })
  if (value instanceof Readable) {
    const hash = createHash('sha256')
    for await (const chunk of value) hash.update(chunk as Uint8Array)
    return `sha256:${hash.digest('hex')}`
  }
  if (value instanceof Uint8Array) return `sha256:${sha256Hex(value)}`
  // JSON read back and written again gives the bytes weir wrote (key order is kept).
  return `sha256:${sha256Hex(JSON.stringify(value) ?? '')}`
}
