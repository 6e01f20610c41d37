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
    const ups = new Array<number>(task.upstream.length)
    for (let k = 0; k < ups.length; k++) ups[k] = indexOf.get(task.upstream[k]!)!
    const downIds = pipeline.downstream.get(id) ?? []
    const downs = new Array<number>(downIds.length)
    for (let k = 0; k < downs.length; k++) downs[k] = indexOf.get(downIds[k]!)!
    upstream.push(ups)
    downstream.push(downs)
    rules.push(task.trigger)
  }
  return { ids, indexOf, upstream, downstream, rules }
}
