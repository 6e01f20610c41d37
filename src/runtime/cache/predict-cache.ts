/**
 * `weir run --dry-run`: which tasks would hit the cache, before anything runs. Tasks are judged in
 * the pipeline's order; a task whose upstream tasks are all known before the run (cache hits, and
 * on `--resume` the reused tasks) gets its key made from their stored outputs and values, exactly
 * as its attempt would. A task downstream of one that would run cannot be judged: its key needs
 * an output that does not exist yet (it may still hit then, if that output comes out byte-identical).
 * A mapped task is cached item by item, each key made as the item runs: it is not judged either.
 */
import type { StoredRef } from '../../plugins/types.ts'
import type { Pipeline } from '../../spec/model.ts'
import type { IoManagerLookup } from '../io-managers.ts'
import { createCodeHasher } from './code-hash.ts'
import { cacheVerdict, type CacheVerdict } from './explain-cache.ts'
import type { CacheSettings } from './task-cache.ts'
import type { SecretHasher } from './secret-hash.ts'

/** A task whose result is known before the run: output and values. */
export interface KnownResult {
  readonly output?: StoredRef
  readonly values: Readonly<Record<string, unknown>>
}

export interface PredictInput {
  readonly pipeline: Pipeline
  /** The run's params, resolved (defaults filled in). */
  readonly params: Readonly<Record<string, unknown>>
  readonly ioManager: IoManagerLookup
  /** Handler paths in keys are relative to this folder. */
  readonly projectRoot: string
  /** Hashes secret params into keys, as the run will (secret-hash.ts). */
  readonly secrets?: SecretHasher
  readonly settings?: CacheSettings
  /** Tasks a resume reuses: not judged, and known to their downstream tasks. */
  readonly reuse?: ReadonlyMap<string, KnownResult>
  readonly trigger?: 'manual' | 'resume'
  readonly signal: AbortSignal
}

/** A run id no real run has (`run.id` differs in every run; a task reading it never hits anyway). */
const DRY_RUN_ID = 'dry-run'

/** The verdict of every task that is not reused, in the pipeline's order. */
export async function predictCache(input: PredictInput): Promise<Map<string, CacheVerdict>> {
  const { pipeline } = input
  const deps = { ioManager: input.ioManager, hasher: createCodeHasher(input.projectRoot), signal: input.signal, ...(input.secrets && { secrets: input.secrets }), ...(input.settings && { settings: input.settings }) }
  const known = new Map<string, KnownResult>(input.reuse)
  const verdicts = new Map<string, CacheVerdict>()
  for (const id of pipeline.order) {
    if (input.reuse?.has(id)) continue
    const task = pipeline.tasks.get(id)!
    const unknown = task.upstream.filter((u) => !known.has(u))
    let verdict: CacheVerdict
    // A mapped task has no key of its own: each item has one, made from its value as it runs.
    if (task.foreach !== undefined && task.cache && !input.settings?.disabled) verdict = { kind: 'unknown', reason: 'items' }
    else if (unknown.length > 0 && task.cache && !input.settings?.disabled) verdict = { kind: 'unknown', reason: 'upstream', upstream: unknown }
    else {
      const upstreamOutputs: Record<string, StoredRef> = {}
      const upstreamValues: Record<string, Readonly<Record<string, unknown>>> = {}
      for (const u of task.upstream) {
        const result = known.get(u)
        if (result?.output) upstreamOutputs[u] = result.output
        // As the run loop passes them: only tasks that set values.
        if (result && Object.keys(result.values).length > 0) upstreamValues[u] = result.values
      }
      const request = { pipeline, task, params: input.params, runId: DRY_RUN_ID, run: { trigger: input.trigger ?? 'manual' }, upstreamOutputs, upstreamValues } as const
      verdict = await cacheVerdict(request, deps).catch((error: unknown) => ({ kind: 'unknown', reason: 'error', message: (error as Error).message }) as const)
    }
    verdicts.set(id, verdict)
    if (verdict.kind === 'hit') known.set(id, { ...(verdict.entry.output && { output: verdict.entry.output }), values: verdict.entry.values })
  }
  return verdicts
}
