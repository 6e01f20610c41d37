/**
 * The order normalize gives a pipeline's tasks: Kahn's algorithm over task numbers (declaration
 * order), ties broken by declaration order so the order is stable across runs. The edges are kept in
 * compressed rows (typed arrays sized up front): no array per task. Also returns the tasks' positions
 * in the order and their upstream positions (task-numbers.ts), which the runtime's task graph would
 * otherwise look up again.
 *
 * This runs once per process, over every task and edge, mostly before V8 has optimized it. Each
 * loop is a function of its own, with indexed loops only: V8 optimizes a long loop while it runs
 * (on-stack replacement), but code optimized for one loop of a function gives up when it reaches
 * the next loop, which has not run yet (the same finding as in rules/cycles.ts); and a for-of over a
 * map or an array costs an iterator object and a call per step there.
 */
import type { Task, TriggerRule } from './model.ts'
import { downstreamRows } from './task-numbers.ts'
import type { TaskNumbers } from './task-numbers.ts'

/** The ids in order; the task numbers too unless a cycle left tasks out (validation reports it first). */
export function topologicalOrder(ids: readonly string[], tasks: readonly Task[]): { order: string[]; numbers?: TaskNumbers } {
  const n = ids.length
  const indexOf = numberIds(ids)
  const upStart = upstreamStarts(tasks)
  const upIndex = upstreamNumbers(tasks, indexOf, upStart[n]!)
  // Each task's downstream tasks in declaration order, as the queue must take them.
  const { downStart, downIndex } = downstreamRows(n, upStart, upIndex)
  const queue = kahnQueue(upStart, downStart, downIndex)
  const order = idsInOrder(ids, queue)
  if (queue.length < n) return { order }
  const position = positionsOf(queue)
  renumberIds(ids, position, indexOf)
  return { order, numbers: { indexOf, ...rowsByPosition(queue, position, upStart, upIndex), triggers: triggersByPosition(queue, tasks) } }
}

/** Task id → declaration number. */
function numberIds(ids: readonly string[]): Map<string, number> {
  const indexOf = new Map<string, number>()
  for (let i = 0; i < ids.length; i++) indexOf.set(ids[i]!, i)
  return indexOf
}

/** Where each task's upstream row starts (`upStart[n]` is the edge count). */
function upstreamStarts(tasks: readonly Task[]): Int32Array {
  const upStart = new Int32Array(tasks.length + 1)
  for (let i = 0; i < tasks.length; i++) upStart[i + 1] = upStart[i]! + tasks[i]!.upstream.length
  return upStart
}

/** The upstream tasks' declaration numbers, row after row. */
function upstreamNumbers(tasks: readonly Task[], indexOf: ReadonlyMap<string, number>, edgeCount: number): Int32Array {
  const upIndex = new Int32Array(edgeCount)
  let e = 0
  for (let i = 0; i < tasks.length; i++) {
    const upstream = tasks[i]!.upstream
    for (let u = 0; u < upstream.length; u++) upIndex[e++] = indexOf.get(upstream[u]!)!
  }
  return upIndex
}

/** Kahn's queue: the tasks in order, fewer than all of them when there is a cycle. */
function kahnQueue(upStart: Int32Array, downStart: Int32Array, downIndex: Int32Array): Int32Array {
  const n = upStart.length - 1
  const indegree = new Int32Array(n)
  const queue = new Int32Array(n)
  let tail = 0
  for (let k = 0; k < n; k++) if ((indegree[k] = upStart[k + 1]! - upStart[k]!) === 0) queue[tail++] = k
  for (let head = 0; head < tail; head++) {
    const k = queue[head]!
    for (let d = downStart[k]!; d < downStart[k + 1]!; d++) if (--indegree[downIndex[d]!]! === 0) queue[tail++] = downIndex[d]!
  }
  return tail < n ? queue.subarray(0, tail) : queue
}

function idsInOrder(ids: readonly string[], queue: Int32Array): string[] {
  const order: string[] = new Array(queue.length)
  for (let p = 0; p < queue.length; p++) order[p] = ids[queue[p]!]!
  return order
}

/** Declaration number → position in the order (every task is in `queue`). */
function positionsOf(queue: Int32Array): Int32Array {
  const position = new Int32Array(queue.length)
  for (let p = 0; p < queue.length; p++) position[queue[p]!] = p
  return position
}

/** `indexOf` from declaration numbers to positions in the order (the same keys, so no table grows). */
function renumberIds(ids: readonly string[], position: Int32Array, indexOf: Map<string, number>): void {
  for (let k = 0; k < ids.length; k++) indexOf.set(ids[k]!, position[k]!)
}

/** The upstream rows again, by position in the order, holding positions. */
function rowsByPosition(queue: Int32Array, position: Int32Array, upStart: Int32Array, upIndex: Int32Array): { upStart: Int32Array; upIndex: Int32Array } {
  const n = queue.length
  const upStartByPosition = new Int32Array(n + 1)
  const upIndexByPosition = new Int32Array(upIndex.length)
  let e = 0
  for (let p = 0; p < n; p++) {
    const k = queue[p]!
    upStartByPosition[p] = e
    for (let u = upStart[k]!; u < upStart[k + 1]!; u++) upIndexByPosition[e++] = position[upIndex[u]!]!
  }
  upStartByPosition[n] = e
  return { upStart: upStartByPosition, upIndex: upIndexByPosition }
}

function triggersByPosition(queue: Int32Array, tasks: readonly Task[]): TriggerRule[] {
  const triggers: TriggerRule[] = new Array(queue.length)
  for (let p = 0; p < queue.length; p++) triggers[p] = tasks[queue[p]!]!.trigger
  return triggers
}
