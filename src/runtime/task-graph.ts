/**
 * The pipeline's DAG as integer-indexed arrays, built once per run. The scheduler's hot path works
 * on indices only: no map lookups or string keys per state change.
 */
import type { Pipeline, TriggerRule } from '../spec/model.ts'

export interface TaskGraph {
  /** Task ids in topological order; a task's index is its position here. */
  readonly ids: readonly string[]
  readonly indexOf: ReadonlyMap<string, number>
  readonly upstream: readonly (readonly number[])[]
  readonly downstream: readonly (readonly number[])[]
  readonly rules: readonly TriggerRule[]
}

/** Indexes a pipeline's tasks in its topological order. */
export function indexPipeline(pipeline: Pipeline): TaskGraph {
  const ids = pipeline.order
  const indexOf = new Map<string, number>()
  for (let i = 0; i < ids.length; i++) indexOf.set(ids[i]!, i)
  const upstream: number[][] = []
  const downstream: number[][] = []
  const rules: TriggerRule[] = []
  for (const id of ids) {
    const task = pipeline.tasks.get(id)!
    upstream.push(task.upstream.map((u) => indexOf.get(u)!))
    downstream.push((pipeline.downstream.get(id) ?? []).map((d) => indexOf.get(d)!))
    rules.push(task.trigger)
  }
  return { ids, indexOf, upstream, downstream, rules }
}
