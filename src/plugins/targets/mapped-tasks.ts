/**
 * Mapped tasks (`foreach:`, docs/fan-out.md) on the engines: not generated yet. Until the
 * Databricks `for_each_task` and Argo `withParam` mappings exist, a target refuses a pipeline with a
 * mapped task (an error at its `foreach`), rather than emitting a task that runs once without an item.
 */
import type { Pipeline } from '../../spec/model.ts'
import type { TargetFinding } from '../types.ts'
import { TargetError } from './target-error.ts'

/** One error per mapped task, at its `foreach`. */
export function checkMappedTasks(pipeline: Pipeline, engine: string): TargetFinding[] {
  return pipeline.order.flatMap((id) => {
    const foreach = pipeline.tasks.get(id)!.foreach
    if (foreach === undefined) return []
    return [{ severity: 'error' as const, code: 'TARGET_UNSUPPORTED' as const, pointer: foreach.pointer,
      message: `Task '${id}' is mapped over a list, and weir cannot generate ${engine} definitions for mapped tasks yet; run it without 'foreach' on ${engine}, or keep this pipeline local.` }]
  })
}

/** Throws for the first mapped task: `generate` must never emit a mapped task as an ordinary one. */
export function refuseMappedTasks(pipeline: Pipeline, engine: string): void {
  const first = checkMappedTasks(pipeline, engine)[0]
  if (first) throw new TargetError(first.pointer, first.message)
}
