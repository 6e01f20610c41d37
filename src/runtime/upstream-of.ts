/**
 * What an attempt receives from its upstream tasks: their stored outputs and task values, by task
 * id. Both allocate only when an upstream task has something to pass (most no-op or side-effect
 * tasks do not), since this runs once per attempt.
 */
import type { StoredRef } from '../plugins/types.ts'
import type { TaskGraph } from './task-graph.ts'

/** The part of a task's state its downstream tasks read. */
export interface UpstreamState {
  output?: StoredRef
  values?: Readonly<Record<string, unknown>>
  /** A mapped task's items (records.ts): each one's output. */
  items?: readonly { readonly output?: StoredRef }[]
}

const NOTHING: Readonly<Record<string, never>> = Object.freeze({})

/** Stored outputs of task `i`'s upstream tasks (task id → ref); absent for those that produced none. */
export function upstreamOutputsOf(graph: TaskGraph, tasks: readonly UpstreamState[], i: number): Readonly<Record<string, StoredRef>> {
  let out: Record<string, StoredRef> | undefined
  for (let k = graph.upStart[i]!; k < graph.upStart[i + 1]!; k++) {
    const u = graph.upIndex[k]!
    const ref = tasks[u]!.output
    if (ref) (out ??= {})[graph.ids[u]!] = ref
  }
  return out ?? NOTHING
}

/** Task values set by task `i`'s upstream tasks (task id → name → value). */
export function upstreamValuesOf(graph: TaskGraph, tasks: readonly UpstreamState[], i: number): Readonly<Record<string, Readonly<Record<string, unknown>>>> {
  let out: Record<string, Readonly<Record<string, unknown>>> | undefined
  for (let k = graph.upStart[i]!; k < graph.upStart[i + 1]!; k++) {
    const u = graph.upIndex[k]!
    const values = tasks[u]!.values
    if (values) (out ??= {})[graph.ids[u]!] = values
  }
  return out ?? NOTHING
}

/** Fan-in (docs/fan-out.md): for each mapped upstream task of task `i`, its items' stored outputs in item order. */
export function upstreamItemOutputsOf(graph: TaskGraph, tasks: readonly UpstreamState[], i: number): Readonly<Record<string, readonly (StoredRef | undefined)[]>> {
  const out: Record<string, (StoredRef | undefined)[]> = {}
  for (let k = graph.upStart[i]!; k < graph.upStart[i + 1]!; k++) {
    const u = graph.upIndex[k]!
    const items = tasks[u]!.items
    if (items) out[graph.ids[u]!] = items.map((item) => item.output)
  }
  return out
}
