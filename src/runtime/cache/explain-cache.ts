/**
 * Why a task hits or misses the cache (docs/caching.md, `--explain-cache` and `--dry-run`): the
 * task's key is made as its attempt makes it, looked up in its IoManager's index, and compared
 * with the task's most recent entry, component by component and, where the entries keep finer
 * hashes (`parts`), file by file, input by input, param by param.
 *
 * After a run, entries the run itself stored are set aside (`ignoreRunId`), so the answer is what
 * the index held when the run began: "why did this re-run?".
 */
import type { CacheEntry, StoredRef } from '../../plugins/types.ts'
import type { InputBinding, Pipeline, Reference, Task } from '../../spec/model.ts'
import type { IoManagerLookup } from '../io-managers.ts'
import { CACHE_COMPONENTS, changedComponents, secretParamNames, type CacheComponent, type CacheComponents, type CacheKey } from './cache-key.ts'
import type { CodeHasher } from './code-hash.ts'
import type { SecretHasher } from './secret-hash.ts'
import { inspect, keyOf, whyUnusable, type CacheSettings, type StaleReason } from './task-cache.ts'

/** What the cache would do (or did) for one task. */
export type CacheVerdict =
  /** Not looked up: no `cache:` setting, `--no-cache`, an IoManager without an index, an input that cannot be hashed. */
  | { readonly kind: 'off'; readonly reason: 'uncached' | 'no-cache' | 'no-index' | 'unhashable' }
  | { readonly kind: 'hit'; readonly entry: CacheEntry }
  | {
      readonly kind: 'miss'
      /**
       * `new`: the task has no entry yet; `changed`: its key differs from its latest entry's;
       * `expired`, `deleted`, `damaged`, `refresh`: an entry has this key but is not reused.
       */
      readonly reason: 'new' | 'changed' | StaleReason
      readonly key: CacheKey
      /** The entry compared with: the latest of the task (`changed`), or the one at the key (absent when it could not be read). */
      readonly previous?: Pick<CacheEntry, 'runId' | 'createdAt'> & Partial<CacheEntry>
      /** What differs from `previous` (empty unless `changed`). */
      readonly changes: readonly ComponentChange[]
    }
  /** Before a run (`--dry-run`): the key needs the output of upstream tasks that would run first. */
  | { readonly kind: 'unknown'; readonly reason: 'upstream'; readonly upstream: readonly string[] }
  /** The index could not be read (a run would treat the task as not cached and run it). */
  | { readonly kind: 'unknown'; readonly reason: 'error'; readonly message: string }
  /** A mapped task before the run: it is cached item by item, each looked up as it runs (docs/caching.md). */
  | { readonly kind: 'unknown'; readonly reason: 'items' }
  /** A mapped task of a recorded run: how many of its items the cache answered, and from which runs; how many a resume reused. */
  | { readonly kind: 'items'; readonly total: number; readonly hits: number; readonly ran: number; readonly fromRuns: readonly string[]; readonly reused?: number }
  /** A task of a recorded run that `--resume` reused from the run it resumed (or an earlier one): the cache was not asked. */
  | { readonly kind: 'reused'; readonly fromRunId: string }

/** One changed component of the key, with what changed inside it when the entries say. */
export interface ComponentChange {
  readonly component: CacheComponent
  /** E.g. `handlers/lib.ts changed`, `input orders changed (reads the output of extract)`. */
  readonly details: readonly string[]
}

/** What one task's verdict is made from: the inputs an attempt of it would get. */
export interface VerdictRequest {
  readonly pipeline: Pipeline
  readonly task: Task
  readonly params: Readonly<Record<string, unknown>>
  readonly runId: string
  readonly run: { readonly trigger: string; readonly scheduledAt?: string }
  readonly upstreamOutputs: Readonly<Record<string, StoredRef>>
  readonly upstreamValues: Readonly<Record<string, Readonly<Record<string, unknown>>>>
  /** Entries this run stored are set aside (explaining a run after it ended). */
  readonly ignoreRunId?: string
}

export interface VerdictDeps {
  readonly ioManager: IoManagerLookup
  readonly hasher: CodeHasher
  /** Hashes secret params and items, as the run did (secret-hash.ts). */
  readonly secrets?: SecretHasher
  readonly settings?: CacheSettings
  readonly signal: AbortSignal
  /** @default Date.now */
  readonly now?: () => number
}

/** The cache's verdict on one task; see the module comment. */
export async function cacheVerdict(request: VerdictRequest, deps: VerdictDeps): Promise<CacheVerdict> {
  const { task, pipeline } = request
  if (!task.cache) return { kind: 'off', reason: 'uncached' }
  if (deps.settings?.disabled) return { kind: 'off', reason: 'no-cache' }
  const index = deps.ioManager(task.io).cache
  if (!index) return { kind: 'off', reason: 'no-index' }
  const key = await keyOf({ ...request, signal: deps.signal }, deps.ioManager, deps.hasher, deps.secrets)
  if (!key) return { kind: 'off', reason: 'unhashable' }
  // The entry at the key answers a hit without listing the task's entries (a dry run of a big pipeline).
  const found = await inspect(index, { pipeline: pipeline.name, task: task.id, key: key.key }, deps.signal)
  // Damaged: the run reads no entry there, whatever the task's other entries hold.
  if (found === 'damaged') return { kind: 'miss', reason: deps.settings?.refresh?.has(task.id) ? 'refresh' : 'damaged', key, changes: [] }
  const atKey = found
  const ours = atKey !== undefined && request.ignoreRunId !== undefined && atKey.runId === request.ignoreRunId
  if (atKey && ours && atKey.replaced) return { kind: 'miss', reason: atKey.replaced.reason, key, ...previousOf(atKey.replaced), changes: [] }
  if (atKey && !ours) {
    if (deps.settings?.refresh?.has(task.id)) return { kind: 'miss', reason: 'refresh', key, previous: atKey, changes: [] }
    const unusable = await whyUnusable(atKey, pipeline, task, deps.ioManager, (deps.now ?? Date.now)(), deps.signal)
    return unusable === undefined ? { kind: 'hit', entry: atKey } : { kind: 'miss', reason: unusable, key, previous: atKey, changes: [] }
  }
  const entries = await index.list({ pipeline: pipeline.name, task: task.id }, deps.signal)
  const latest = entries
    .filter((e) => e.key !== key.key && (request.ignoreRunId === undefined || e.runId !== request.ignoreRunId))
    .sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0))[0]
  if (!latest) return { kind: 'miss', reason: 'new', key, changes: [] }
  return { kind: 'miss', reason: 'changed', key, previous: latest, changes: describeChanges(latest, key, task, pipeline) }
}

/** The entry a `replaced` record names, when it could be read (`{}` for a damaged one). */
export function previousOf(replaced: NonNullable<CacheEntry['replaced']>): { previous?: Pick<CacheEntry, 'runId' | 'createdAt'> } {
  return replaced.runId === undefined ? {} : { previous: { runId: replaced.runId, createdAt: replaced.createdAt ?? '' } }
}

/** The components that differ between an entry and a key, each with its details. */
export function describeChanges(before: Pick<CacheEntry, 'components' | 'parts'>, after: CacheKey, task: Task, pipeline: Pipeline): ComponentChange[] {
  const known = (c: Readonly<Record<string, string>>): c is CacheComponents => CACHE_COMPONENTS.every((name) => typeof c[name] === 'string')
  const changed = known(before.components) ? changedComponents(before.components, after.components) : [...CACHE_COMPONENTS]
  return changed.map((component) => ({ component, details: detailsOf(component, before.parts?.[component], after.parts[component], task, pipeline) }))
}

/** One word for a verdict, for `--dry-run`: `hit`, or why the task runs. */
export function verdictWord(verdict: CacheVerdict): string {
  switch (verdict.kind) {
    case 'hit':
      return 'hit'
    case 'off':
      return verdict.reason
    case 'unknown':
      return verdict.reason === 'items' ? 'per item' : verdict.reason
    case 'items':
      return `${verdict.hits}/${verdict.total} items hit`
    case 'reused':
      return 'reused'
    case 'miss':
      return verdict.reason === 'changed' && verdict.changes.length > 0 ? verdict.changes.map((c) => c.component).join('+') : verdict.reason
  }
}

function detailsOf(component: CacheComponent, before: Readonly<Record<string, string>> | undefined, after: Readonly<Record<string, string>> | undefined, task: Task, pipeline: Pipeline): string[] {
  if (component === 'export') return [`the handler's export is now '${task.handler.exportName}'`]
  if (component === 'version') return [`cache version is now '${task.cache?.version ?? ''}'`]
  if (component === 'format') return ["weir's cache format changed (a weir upgrade): every entry made before it misses once"]
  // An entry of an older weir keeps no parts: the component alone is known to differ.
  if (!before || !after) return []
  const names = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort()
  const out: string[] = []
  for (const name of names) {
    const was = before[name]
    const is = after[name]
    if (was === is) continue
    const how = was === undefined ? 'added' : is === undefined ? 'removed' : 'changed'
    out.push(describePart(component, name, how, task, pipeline))
  }
  return out
}

function describePart(component: CacheComponent, name: string, how: 'added' | 'removed' | 'changed', task: Task, pipeline: Pipeline): string {
  switch (component) {
    case 'code':
      if (name.includes(' → '))
        return how === 'removed' ? `import ${name} now resolves` : how === 'added' ? `import ${name} does not resolve to a file` : `import ${name} resolves to no file, and the files beside where it points changed`
      return how === 'changed' ? `${name} changed` : how === 'added' ? `${name} is now imported` : `${name} is no longer imported`
    case 'inputs': {
      const binding = task.inputs[name]
      return `input '${name}' ${how}${binding && how !== 'removed' ? readsOf(binding) : ''}`
    }
    case 'params':
      // A secret enters by a keyed hash: another key (WEIR_CACHE_SECRET_KEY, another state dir, an
      // entry of a weir that hashed secrets plainly) changes it as much as another value does.
      if (how === 'changed' && secretParamNames(pipeline).has(name))
        return `param '${name}' (a secret) has another value, or its hash was made under another key (WEIR_CACHE_SECRET_KEY, or another state dir's keys/cache-secret.key)`
      return `param '${name}' ${how === 'changed' ? 'has another value' : how}`
    case 'values':
      return how === 'changed' ? `the values task '${name}' set changed` : how === 'added' ? `task '${name}' now sets values` : `task '${name}' no longer sets values`
    case 'schemas':
      return name === 'types' ? "the pipeline's types: changed" : `the task's ${name}: schema ${how === 'changed' ? 'changed' : how}`
    default:
      return `${name} ${how}`
  }
}

/** What an input reads, so a change can be traced: ` (reads the output of extract)`. */
function readsOf(binding: InputBinding): string {
  const refs: Reference[] = []
  const walk = (b: InputBinding): void => {
    if (b.kind === 'ref') refs.push(b.ref)
    else if (b.kind === 'template') for (const part of b.parts) if (typeof part !== 'string') refs.push(part)
    if (b.kind === 'array') b.items.forEach(walk)
    if (b.kind === 'object') Object.values(b.entries).forEach(walk)
  }
  walk(binding)
  const said = new Set<string>()
  for (const ref of refs) {
    if (ref.kind === 'output') said.add(`the output of ${ref.taskId}`)
    else if (ref.kind === 'value') said.add(`value ${ref.name} of ${ref.taskId}`)
    else if (ref.kind === 'run' && ref.field === 'id') said.add('run.id, which differs in every run, so this task never hits')
    else if (ref.kind === 'run') said.add(`run.${ref.field}`)
  }
  return said.size > 0 ? ` (reads ${[...said].join(', ')})` : ''
}
