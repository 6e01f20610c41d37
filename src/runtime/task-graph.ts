/**
 * The pipeline's DAG as integer-indexed arrays, built once per run. The scheduler's hot path works
 * on indices only: no map lookups or string keys per state change. Edges are kept in compressed
 * sparse rows (one Int32Array of offsets and one of neighbours per direction), a few bytes per
 * task and edge instead of two JS arrays per task: it matters at 100,000 tasks.
 */
import type { Pipeline, Task, TriggerRule } from '../spec/model.ts'
import { downstreamRows, taskNumbersOf } from '../spec/task-numbers.ts'

export interface TaskGraph {
  /** Task ids in topological order; a task's index is its position here. */
  readonly ids: readonly string[]
  readonly indexOf: ReadonlyMap<string, number>
  /** Upstream tasks of task i: `upIndex[upStart[i] .. upStart[i+1])`. */
  readonly upStart: Int32Array
  readonly upIndex: Int32Array
  /** Downstream tasks of task i: `downIndex[downStart[i] .. downStart[i+1])`. */
  readonly downStart: Int32Array
  readonly downIndex: Int32Array
  readonly rules: readonly TriggerRule[]
}

/** Builds a graph from each task's upstream indices (which must point to lower indices or any: order is the caller's). */
export function createTaskGraph(
  ids: readonly string[],
  upstream: readonly (readonly number[])[],
  rules: readonly TriggerRule[],
  indexOf: ReadonlyMap<string, number> = new Map(ids.map((id, i) => [id, i])),
): TaskGraph {
  const n = ids.length
  const upStart = new Int32Array(n + 1)
  let edges = 0
  for (let i = 0; i < n; i++) {
    upStart[i] = edges
    edges += upstream[i]!.length
  }
  upStart[n] = edges
  const upIndex = new Int32Array(edges)
  for (let i = 0, e = 0; i < n; i++) for (const u of upstream[i]!) upIndex[e++] = u
  return { ids, indexOf, upStart, upIndex, ...downstreamRows(n, upStart, upIndex), rules }
}

const indexed = new WeakMap<Pipeline, TaskGraph>()

/**
 * Indexes a pipeline's tasks in its topological order. A Pipeline is immutable, so the index is
 * kept for the pipeline object: a schedule daemon running the same pipeline every few minutes
 * builds it once.
 */
export function indexPipeline(pipeline: Pipeline): TaskGraph {
  let graph = indexed.get(pipeline)
  if (!graph) indexed.set(pipeline, (graph = buildIndex(pipeline)))
  return graph
}

/**
 * Builds the compressed rows straight from the tasks (no array of upstream indices per task first):
 * a fresh pipeline object (each `weir run`, or an API caller building its pipeline per run) pays
 * for this once per run, and at 100,000 tasks the intermediate arrays were most of its cost.
 */
function buildIndex(pipeline: Pipeline): TaskGraph {
  const ids = pipeline.order
  const n = ids.length
  const numbers = taskNumbersOf(pipeline)
  if (numbers) return { ids, indexOf: numbers.indexOf, upStart: numbers.upStart, upIndex: numbers.upIndex, ...downstreamRows(n, numbers.upStart, numbers.upIndex), rules: numbers.triggers }
  const indexOf = new Map<string, number>()
  for (let i = 0; i < n; i++) indexOf.set(ids[i]!, i)
  const tasks: Task[] = new Array(n)
  const rules: TriggerRule[] = new Array(n)
  const upStart = new Int32Array(n + 1)
  let edges = 0
  for (let i = 0; i < n; i++) {
    const task = pipeline.tasks.get(ids[i]!)!
    tasks[i] = task
    rules[i] = task.trigger
    upStart[i] = edges
    edges += task.upstream.length
  }
  upStart[n] = edges
  const upIndex = new Int32Array(edges)
  for (let i = 0, e = 0; i < n; i++) for (const id of tasks[i]!.upstream) upIndex[e++] = indexOf.get(id)!
  return { ids, indexOf, upStart, upIndex, ...downstreamRows(n, upStart, upIndex), rules }
}
