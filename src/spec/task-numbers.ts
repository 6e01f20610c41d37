/**
 * The numbers normalize gives a pipeline's tasks while it orders them: each task's position in
 * `pipeline.order` and the positions of its upstream tasks. The runtime's task graph starts from
 * them instead of looking every task id up again (at 20,000 tasks, a map of 20,000 ids and tens of
 * thousands of lookups, in code that runs once per process and so mostly unoptimized). A Pipeline
 * made some other way (an API caller's own object, a copy) has none, and the graph is built from
 * its tasks.
 */
import type { Pipeline, TriggerRule } from './model.ts'

export interface TaskNumbers {
  /** Task id → position in `pipeline.order`. */
  readonly indexOf: ReadonlyMap<string, number>
  /** Upstream positions of the task at position p: `upIndex[upStart[p] .. upStart[p + 1])`, in its `upstream` order. */
  readonly upStart: Int32Array
  readonly upIndex: Int32Array
  /** The trigger rule of the task at each position. */
  readonly triggers: readonly TriggerRule[]
}

// Keyed by the Pipeline object normalize returned: a Pipeline is never changed after it is made.
const numbers = new WeakMap<Pipeline, TaskNumbers>()

export function rememberTaskNumbers(pipeline: Pipeline, taskNumbers: TaskNumbers): void {
  numbers.set(pipeline, taskNumbers)
}

/** The numbers normalize made for this pipeline object, if it made it. */
export function taskNumbersOf(pipeline: Pipeline): TaskNumbers | undefined {
  return numbers.get(pipeline)
}

/**
 * The downstream rows of upstream rows in compressed form (task i's upstream tasks are
 * `upIndex[upStart[i] .. upStart[i + 1])`): task i's downstream tasks in index order. Normalize's
 * ordering and the runtime's task graph both need them.
 */
export function downstreamRows(n: number, upStart: Int32Array, upIndex: Int32Array): { downStart: Int32Array; downIndex: Int32Array } {
  const downStart = new Int32Array(n + 1)
  for (let e = 0; e < upIndex.length; e++) downStart[upIndex[e]! + 1]!++
  for (let i = 0; i < n; i++) downStart[i + 1]! += downStart[i]!
  const fill = downStart.slice(0, n)
  const downIndex = new Int32Array(upIndex.length)
  for (let i = 0; i < n; i++) for (let e = upStart[i]!; e < upStart[i + 1]!; e++) downIndex[fill[upIndex[e]!]!++] = i
  return { downStart, downIndex }
}
