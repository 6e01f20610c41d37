/**
 * Until the run loop runs mapped tasks item by item (issue 11, phase 2), a local run refuses a
 * pipeline with a `foreach:` task before anything is recorded, rather than running the handler once
 * with no item (docs/fan-out.md, "Status of this feature").
 */
import type { Pipeline } from '../../spec/model.ts'
import { WeirError } from '../../spec/weir-error.ts'

/** The mapped tasks of a pipeline, in run order. */
export function mappedTasks(pipeline: Pipeline): string[] {
  return pipeline.order.filter((id) => pipeline.tasks.get(id)!.foreach !== undefined)
}

/** Rejects with `MAP_NOT_SUPPORTED` when the pipeline has a mapped task. */
export function refuseMappedTasks(pipeline: Pipeline): void {
  const mapped = mappedTasks(pipeline)
  if (mapped.length === 0) return
  const first = pipeline.tasks.get(mapped[0]!)!
  const others = mapped.length > 1 ? ` (and ${mapped.length - 1} more mapped task${mapped.length > 2 ? 's' : ''})` : ''
  throw new WeirError(
    'MAP_NOT_SUPPORTED',
    `Task '${first.id}' is mapped over a list (foreach at ${first.foreach!.pointer})${others}, and this version of weir cannot run mapped tasks locally yet; remove 'foreach' to run the task once, or generate types only (weir codegen --target types).`,
    { details: { tasks: mapped, pointer: first.foreach!.pointer } },
  )
}
