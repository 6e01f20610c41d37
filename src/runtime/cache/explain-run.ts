/**
 * "Why did this task re-run in that run?" (`weir run --explain-cache TASK`, `weir cache explain`):
 * answered from the cache entries themselves when the run stored one for the task, since the
 * entry holds the exact key the run made (the code may have been edited since); otherwise the key
 * is made again now from what the run store recorded (explain-cache.ts).
 */
import type { CacheEntry, StoredRef } from '../../plugins/types.ts'
import type { Pipeline } from '../../spec/model.ts'
import type { RunRecord } from '../run-store/records.ts'
import type { CacheComponent } from './cache-key.ts'
import { cacheVerdict, describeChanges, previousOf, type CacheVerdict, type VerdictDeps } from './explain-cache.ts'

export interface RunExplanation {
  readonly verdict: CacheVerdict
  /**
   * `entry`: read from the entry the run stored (exact); `record`: the task was a hit or reused by
   * a resume (its record says from which run); `recomputed`: the run stored no entry for the task (it failed, was
   * skipped, not cached, or ran with --no-cache), so the key was made now.
   */
  readonly basis: 'entry' | 'record' | 'recomputed'
}

/** Explains task `taskId` of the recorded run `run`; params are the run's own (secrets unredacted when known). */
export async function explainRecordedTask(
  pipeline: Pipeline,
  run: RunRecord,
  taskId: string,
  params: Readonly<Record<string, unknown>>,
  deps: VerdictDeps,
): Promise<RunExplanation> {
  const task = pipeline.tasks.get(taskId)
  if (!task) throw new Error(`pipeline '${pipeline.name}' has no task '${taskId}'`)
  const record = run.tasks[taskId]
  // A resume reused the task's result (task:reuse): the cache was not asked, whatever it holds now.
  if (record?.reusedFrom !== undefined) return { verdict: { kind: 'reused', fromRunId: record.reusedFrom }, basis: 'record' }
  // A mapped task is cached item by item: its record tells which items the cache answered.
  if (record?.items && task.cache) {
    const hits = record.items.filter((item) => item.cachedFrom !== undefined)
    const reused = record.items.filter((item) => item.reusedFrom !== undefined).length
    const ran = record.items.filter((item) => item.cachedFrom === undefined && item.reusedFrom === undefined && item.status !== 'pending').length
    const verdict = { kind: 'items', total: record.items.length, hits: hits.length, ran, fromRuns: [...new Set(hits.map((item) => item.cachedFrom!.runId))] } as const
    return { verdict: reused > 0 ? { ...verdict, reused } : verdict, basis: 'record' }
  }
  // A hit is told by the run's record; the entry it names may have been replaced or cleared since,
  // so the verdict carries what the record knows (the key and the run), not a stored entry.
  if (record?.cachedFrom) {
    const from = record.cachedFrom
    const entry = { pipeline: pipeline.name, task: taskId, key: from.key, runId: from.runId, createdAt: '', format: 0, components: {}, values: record.values ?? {}, ...(record.output && { output: record.output }) } satisfies CacheEntry
    return { verdict: { kind: 'hit', entry }, basis: 'record' }
  }
  const index = task.cache ? deps.ioManager(task.io).cache : undefined
  const entries = index ? await index.list({ pipeline: pipeline.name, task: taskId }, deps.signal) : []
  const own = entries.find((e) => e.runId === run.runId)
  if (own) {
    const key = { key: own.key, components: own.components as Readonly<Record<CacheComponent, string>>, parts: own.parts ?? {} }
    if (own.replaced) return { verdict: { kind: 'miss', reason: own.replaced.reason, key, ...previousOf(own.replaced), changes: [] }, basis: 'entry' }
    const before = entries.filter((e) => e.runId !== run.runId && e.createdAt < own.createdAt).sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1))[0]
    if (!before) return { verdict: { kind: 'miss', reason: 'new', key, changes: [] }, basis: 'entry' }
    return { verdict: { kind: 'miss', reason: 'changed', key, previous: before, changes: describeChanges(before, key, task, pipeline) }, basis: 'entry' }
  }
  const upstreamOutputs: Record<string, StoredRef> = {}
  const upstreamValues: Record<string, Readonly<Record<string, unknown>>> = {}
  for (const id of task.upstream) {
    const up = run.tasks[id]
    if (up?.output) upstreamOutputs[id] = up.output
    if (up?.values) upstreamValues[id] = up.values
  }
  const verdict = await cacheVerdict(
    { pipeline, task, params, runId: run.runId, run: { trigger: run.trigger, ...(run.scheduledAt !== undefined && { scheduledAt: run.scheduledAt }) }, upstreamOutputs, upstreamValues, ignoreRunId: run.runId },
    deps,
  )
  return { verdict, basis: 'recomputed' }
}
