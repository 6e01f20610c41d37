/**
 * The list of a mapped task (docs/fan-out.md): where it comes from, checked to be an array of at
 * most `MAX_MAP_ITEMS` items. Pure except for reading an upstream output through the caller.
 */
import type { MapDecl } from '../../spec/model.ts'
import { WeirError } from '../../spec/weir-error.ts'
import { readFieldPath } from '../read-field-path.ts'

/** Most items one map may have in a local run. */
export const MAX_MAP_ITEMS = 100_000

/** Where a foreach reference reads: the same sources as inputs (an upstream output is read once). */
export interface ItemSources {
  readOutput(taskId: string): Promise<unknown>
  readonly values: Readonly<Record<string, Readonly<Record<string, unknown>>>>
  readonly params: Readonly<Record<string, unknown>>
}

/**
 * The items of a mapped task, in order. Rejects with `MAP_ITEMS_INVALID` (a user error, no retry
 * helps) when the list is missing, not an array, or too long.
 */
export async function resolveMapItems(taskId: string, foreach: MapDecl, sources: ItemSources): Promise<readonly unknown[]> {
  const { source } = foreach
  let list: unknown
  let from: string
  if (source.kind === 'literal') {
    list = source.value
    from = 'its literal list'
  } else {
    const ref = source.ref
    switch (ref.kind) {
      case 'param':
        list = own(sources.params, ref.name)
        from = `param '${ref.name}'`
        break
      case 'value':
        list = own(own(sources.values, ref.taskId), ref.name)
        from = `value '${ref.name}' of task '${ref.taskId}'`
        break
      case 'output': {
        list = readFieldPath(await sources.readOutput(ref.taskId), ref.path)
        from = ref.path.length === 0 ? `the output of task '${ref.taskId}'` : `'${ref.path.join('.')}' of the output of task '${ref.taskId}'`
        break
      }
    }
  }
  if (!Array.isArray(list))
    throw new WeirError('MAP_ITEMS_INVALID', `Task '${taskId}' is mapped over ${from}, which is ${describe(list)}, not a list; return an array.`)
  if (list.length > MAX_MAP_ITEMS)
    throw new WeirError('MAP_ITEMS_INVALID', `Task '${taskId}' is mapped over ${from}, which has ${list.length} items; a map has at most ${MAX_MAP_ITEMS}, so batch the items.`)
  return list
}

function own(value: unknown, key: string): unknown {
  return value !== null && typeof value === 'object' && Object.hasOwn(value, key) ? (value as Record<string, unknown>)[key] : undefined
}

function describe(value: unknown): string {
  if (value === undefined) return 'missing'
  if (value === null) return 'null'
  if (typeof value === 'object') return 'an object'
  return `a ${typeof value}`
}
