/**
 * What the engines cannot express of mapped tasks (`foreach:`, docs/fan-out.md, "Limits"), as
 * `spec validate --target …` findings at the spec's own positions. Each engine passes its limits;
 * a limit it does not have is left out.
 */
import type { Pipeline } from '../../spec/model.ts'
import type { TargetFinding } from '../types.ts'

export interface MapLimits {
  readonly engine: string
  /** Most items per map (the index list's bound); checked for literal lists, enforced at run time otherwise. */
  readonly maxItems?: number
  /** The engine's cap on concurrent items of one map. */
  readonly maxConcurrency?: number
  /** Why the item bound exists, for the message. */
  readonly itemsReason?: string
}

/** One error per mapped task that goes past a limit, at its `foreach` (or its `concurrency`). */
export function checkMappedTasks(pipeline: Pipeline, limits: MapLimits): TargetFinding[] {
  const findings: TargetFinding[] = []
  for (const id of pipeline.order) {
    const foreach = pipeline.tasks.get(id)!.foreach
    if (foreach === undefined) continue
    const error = (pointer: string, message: string) => findings.push({ severity: 'error', code: 'TARGET_UNSUPPORTED', pointer, message })
    if (limits.maxConcurrency !== undefined && foreach.concurrency !== undefined && foreach.concurrency > limits.maxConcurrency)
      error(`/tasks/${id}/foreach/concurrency`, `Task '${id}' runs up to ${foreach.concurrency} items at once, but ${limits.engine} runs at most ${limits.maxConcurrency} iterations of a map at once; set concurrency to ${limits.maxConcurrency} or less.`)
    if (limits.maxItems !== undefined && foreach.source.kind === 'literal' && foreach.source.value.length > limits.maxItems)
      error(foreach.pointer, `Task '${id}' is mapped over ${foreach.source.value.length.toLocaleString('en-US')} items, but a map on ${limits.engine} has at most ${limits.maxItems.toLocaleString('en-US')}${limits.itemsReason ? ` (${limits.itemsReason})` : ''}; batch the items.`)
  }
  return findings
}

/** The mapped tasks of a pipeline: each adds a list step to the engine's definition. */
export function countMappedTasks(pipeline: Pipeline): number {
  return pipeline.order.filter((id) => pipeline.tasks.get(id)!.foreach !== undefined).length
}
