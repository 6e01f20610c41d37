/**
 * Whether a mapped task's list is a secret: `foreach: ${{ params.x }}` over a param whose schema
 * marks it (or a part of it) `writeOnly`. Such a list is journaled as an HMAC, never as a plain
 * hash (run-loop/map-list.ts), and `weir execute --list-items` keeps only its count, never the
 * items, at the task's prefix (execute/list-items.ts): each item step reads it again from its params.
 */
import type { Pipeline, Task } from '../../spec/model.ts'
import { isSecretParam } from '../params.ts'

export function isSecretList(pipeline: Pipeline, task: Task): boolean {
  const source = task.foreach?.source
  if (source === undefined || source.kind !== 'ref' || source.ref.kind !== 'param') return false
  const decl = Object.hasOwn(pipeline.params, source.ref.name) ? pipeline.params[source.ref.name] : undefined
  return decl !== undefined && isSecretParam(pipeline, decl)
}
