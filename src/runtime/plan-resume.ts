/**
 * What `--resume RUN_ID` does: re-run every task of the earlier run that did not succeed (failed,
 * skipped, cancelled, interrupted, never started) and everything downstream of those; reuse the
 * exact stored outputs (the refs recorded then) of the others.
 */
import type { StoredRef } from '../plugins/types.ts'
import type { Pipeline } from '../spec/model.ts'
import type { RunRecord } from './run-store/records.ts'
import { WeirError } from './errors.ts'

export interface ReusedTask {
  readonly output?: StoredRef
  readonly values: Readonly<Record<string, unknown>>
  /** The run whose attempt produced the output (an earlier resume may have reused it too). */
  readonly fromRunId: string
}

export interface ResumePlan {
  readonly resumedFrom: string
  readonly reuse: ReadonlyMap<string, ReusedTask>
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
    reuse.set(id, { ...(before.output && { output: before.output }), values: before.values ?? {}, fromRunId: before.reusedFrom ?? previous.runId })
  }
  return { resumedFrom: previous.runId, reuse, rerun: pipeline.order.filter((id) => rerun.has(id)), reasons, specChanged: previous.specHash !== pipeline.specHash }
}

/** The processes that keep a run running: its own, or the task processes that outlived it. */
function describeProcesses(run: RunRecord): string {
  const tasks = run.taskProcesses ?? []
  if (tasks.length === 0) return `process ${run.pid}`
  return `its process ${run.pid} is gone but its task process${tasks.length > 1 ? 'es' : ''} ${tasks.join(', ')} still run${tasks.length > 1 ? '' : 's'}`
}
