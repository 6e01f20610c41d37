/**
 * What `--resume RUN_ID` does: re-run every task of the earlier run that did not succeed (failed,
 * skipped, cancelled, interrupted, never started) and everything downstream of those; reuse the
 * exact stored outputs (the refs recorded then) of the others.
 */
import type { StoredRef } from '../plugins/types.ts'
import type { Pipeline } from '../spec/model.ts'
import type { RunRecord, TaskRecord } from './run-store/records.ts'
import { WeirError } from './errors.ts'

export interface ReusedTask {
  readonly output?: StoredRef
  readonly values: Readonly<Record<string, unknown>>
  /** The run whose attempt produced the output (an earlier resume may have reused it too). */
  readonly fromRunId: string
  /** A mapped task: its list's hash and its items, each reused as it was (docs/fan-out.md). */
  readonly map?: { readonly hash: string; readonly items: readonly ReusedTask[] }
}

/** A mapped task that runs again in a resume: which of its items succeeded before, for the same list. */
export interface ReusedItems {
  /** The hash of the list they belong to (`task:map`); items are reused only when the list is the same. */
  readonly hash: string
  readonly items: ReadonlyMap<number, ReusedTask>
  /** How many items that list had (`--dry-run` says how many of them run again). */
  readonly count: number
}

export interface ResumePlan {
  readonly resumedFrom: string
  readonly reuse: ReadonlyMap<string, ReusedTask>
  /** Mapped tasks to run again whose earlier items partly succeeded: only the others run again. */
  readonly reuseItems: ReadonlyMap<string, ReusedItems>
  /** Task ids to run again, in topological order. */
  readonly rerun: readonly string[]
  /** Why each re-run task runs again: its earlier status, or `downstream` of one that does. */
  readonly reasons: ReadonlyMap<string, string>
  /** The spec file changed since the resumed run (its hash differs): reused outputs come from the old spec. */
  readonly specChanged: boolean
}

/** Plans a resume; refuses a run of another pipeline or one still running. */
export function planResume(pipeline: Pipeline, previous: RunRecord): ResumePlan {
  if (previous.pipeline !== pipeline.name)
    throw new WeirError('RESUME_MISMATCH', `Run '${previous.runId}' is a run of pipeline '${previous.pipeline}', not '${pipeline.name}'; resume it with its own spec.`)
  if (previous.status === 'running')
    throw new WeirError('RESUME_MISMATCH', `Run '${previous.runId}' is still running (${describeProcesses(previous)}); wait for it or stop it first.`)
  const rerun = new Set<string>()
  const reasons = new Map<string, string>()
  for (const id of pipeline.order) {
    const before = previous.tasks[id]
    if (!before || before.status !== 'succeeded') {
      rerun.add(id)
      reasons.set(id, before ? (before.status === 'skipped' && before.skipReason ? `skipped (${before.skipReason})` : before.status) : 'new task')
      continue
    }
    // An output kept by the memory IoManager went with the process that made it: nothing to reuse.
    if (keptInMemory(before)) {
      rerun.add(id)
      reasons.set(id, 'its output was kept in memory, which ended with its run')
      continue
    }
    const up = pipeline.tasks.get(id)!.upstream.find((u) => rerun.has(u))
    if (up !== undefined) {
      rerun.add(id)
      reasons.set(id, `downstream of '${up}'`)
    }
  }
  const reuse = new Map<string, ReusedTask>()
  for (const id of pipeline.order) {
    if (rerun.has(id)) continue
    const before = previous.tasks[id]!
    const fromRunId = before.reusedFrom ?? previous.runId
    if (before.items) {
      const items = before.items.map((item): ReusedTask => ({ ...(item.output && { output: item.output }), values: item.values ?? {}, fromRunId: item.reusedFrom ?? previous.runId }))
      reuse.set(id, { values: {}, fromRunId, map: { hash: before.itemsHash ?? '', items } })
      continue
    }
    reuse.set(id, { ...(before.output && { output: before.output }), values: before.values ?? {}, fromRunId })
  }
  // Items are reused only when the mapped task itself did not succeed: downstream of a task that
  // runs again, its shared inputs may change even if its list does not, so every item runs.
  const reuseItems = new Map<string, ReusedItems>()
  for (const id of rerun) {
    const before = previous.tasks[id]
    if (pipeline.tasks.get(id)!.upstream.some((u) => rerun.has(u))) continue
    if (before?.items && before.itemsHash !== undefined) {
      const items = new Map<number, ReusedTask>()
      before.items.forEach((item, index) => {
        if (item.status === 'succeeded') items.set(index, { ...(item.output && { output: item.output }), values: item.values ?? {}, fromRunId: item.reusedFrom ?? previous.runId })
      })
      if (items.size > 0) reuseItems.set(id, { hash: before.itemsHash, items, count: before.items.length })
    }
  }
  return { resumedFrom: previous.runId, reuse, reuseItems, rerun: pipeline.order.filter((id) => rerun.has(id)), reasons, specChanged: previous.specHash !== pipeline.specHash }
}

/** The processes that keep a run running: its own, or the task processes that outlived it. */
function describeProcesses(run: RunRecord): string {
  const tasks = run.taskProcesses ?? []
  if (tasks.length === 0) return `process ${run.pid}`
  // A task process dies with its run's process, unless its handler blocks the event loop (it then
  // never sees the pipe close): say how to stop it, since waiting would never end.
  return `its process ${run.pid} is gone but its task process${tasks.length > 1 ? 'es' : ''} ${tasks.join(', ')} still run${tasks.length > 1 ? '' : 's'}; one whose handler blocks in a loop never stops by itself: kill ${tasks.join(' ')}`
}

/** Whether a task's output, or an item's, was stored by the memory IoManager (`memory://…`). */
function keptInMemory(task: TaskRecord): boolean {
  return task.output?.uri.startsWith('memory://') === true || (task.items?.some((item) => item.output?.uri.startsWith('memory://') === true) ?? false)
}
