/**
 * One item of a mapped task under `weir execute --item-index N` (docs/fan-out.md): the engine passes
 * only the index; the item is read here, from the list `--list-items` stored at the task's prefix
 * (`items.json`), or, without it, from the literal, the param or the upstream output in its
 * IoManager. Items never travel through engine parameters.
 *
 * Map → map: a task mapped over a mapped upstream's output reads item N of that upstream's stored
 * item outputs, one item at a time, never the whole list.
 */
import type { AttemptRequest, ErrorInfo, PluginEnv } from '../../plugins/types.ts'
import type { Pipeline, Task } from '../../spec/model.ts'
import { createIoManagers } from '../io-managers.ts'
import { resolveMapItems } from '../map/items.ts'
import { storedItemCacheKey } from '../map/stored-item-key.ts'
import { WeirError } from '../../spec/weir-error.ts'
import { toErrorInfo } from '../errors.ts'
import { propertyOf } from '../../spec/thrown-value.ts'
import { ITEMS_DOCUMENT, LIST_FAILED_INDEX } from './contract.ts'
import type { ItemsDocument } from './contract.ts'
import { openDocuments } from './documents.ts'
import type { ProtocolEnv } from './output-prefix.ts'

/** How this `weir execute` runs a task: the task itself, one item of it, or its list. */
export type ItemMode = { readonly kind: 'task' } | { readonly kind: 'item'; readonly index: number } | { readonly kind: 'list' }

/** A mapped task needs `--item-index` or `--list-items`; another task takes neither (the caller reports these as usage errors). */
export function checkItemUsage(task: Task, mode: ItemMode): void {
  if (task.foreach === undefined && mode.kind !== 'task')
    throw new Error(`Task '${task.id}' is not mapped (it has no 'foreach'), so it takes no ${mode.kind === 'list' ? '--list-items' : '--item-index'}; leave it out.`)
  if (task.foreach !== undefined && mode.kind === 'task')
    throw new Error(`Task '${task.id}' is mapped over a list; pass --item-index N to run its item N (0-based), or --list-items to list its items.`)
}

/** Where item N of a task keeps its output and documents: below the task's own prefix. */
export function itemPrefix(taskPrefix: string, index: number): string {
  return `${taskPrefix}/${itemFolder(index)}`
}

/** The folder of item N, relative to the task's prefix. */
export function itemFolder(index: number): string {
  return `items/${index}`
}

/** The mapped upstream whose item outputs this mapped task runs along (map → map), if any. */
export function itemWiseUpstream(pipeline: Pipeline, task: Task): string | undefined {
  const source = task.foreach?.source
  if (source?.kind !== 'ref' || source.ref.kind !== 'output' || source.ref.path.length > 0) return undefined
  return pipeline.tasks.get(source.ref.taskId)?.foreach !== undefined ? source.ref.taskId : undefined
}

/**
 * The item, or the error that fails this attempt. Map → map: `item.value` is left undefined and
 * `load` reads it, so that a cache hit (whose key needs only `item.cacheKey`) reads nothing of it.
 */
type ItemResult = { ok: true; item: NonNullable<AttemptRequest['item']>; load?: () => Promise<unknown> } | { ok: false; error: ErrorInfo }

/** The item at `index` of the task's list, or the error that fails this attempt (no retry helps for list errors). */
export async function readItem(request: AttemptRequest, index: number, taskPrefix: string, env: PluginEnv & ProtocolEnv): Promise<ItemResult> {
  const { pipeline, task } = request
  try {
    const stored = await (await openDocuments(taskPrefix, pipeline, env)).read<ItemsDocument>(ITEMS_DOCUMENT)
    if (stored?.error !== undefined) return { ok: false, error: { ...stored.error, recoverable: false } }
    if (index === LIST_FAILED_INDEX)
      throw new WeirError('MAP_ITEMS_INVALID', `--item-index ${LIST_FAILED_INDEX} reports a list that 'weir execute --list-items' could not use, but task '${task.id}' has no failed list at '${taskPrefix}'.`)
    const ioManager = createIoManagers(pipeline, env.ioPlugins, env)
    const along = itemWiseUpstream(pipeline, task)
    if (along !== undefined) {
      const refs = request.upstreamItemOutputs?.[along]
      if (refs === undefined) throw new WeirError('MAP_ITEMS_INVALID', `Task '${task.id}' is mapped over the items of task '${along}', which has no listed items in run '${request.runId}' (it did not run).`)
      checkIndex(task, index, refs.length)
      const ref = refs[index]
      const upstream = pipeline.tasks.get(along)!
      const load = async (): Promise<unknown> => (ref === undefined ? undefined : ioManager(upstream.io).read(ref, { signal: request.signal, log: request.log, output: upstream.output }))
      return { ok: true, item: { value: undefined, index, cacheKey: storedItemCacheKey(ref) }, load }
    }
    if (stored?.items !== undefined) {
      checkIndex(task, index, stored.items.length)
      return { ok: true, item: { value: stored.items[index], index } }
    }
    const items = await resolveItems(request, env)
    checkIndex(task, index, items.length)
    return { ok: true, item: { value: items[index], index } }
  } catch (error) {
    return { ok: false, error: listError(error) }
  }
}

/** The whole list of a mapped task (`--list-items`): from the literal, the param, the upstream value or output. */
export async function resolveItems(request: AttemptRequest, env: PluginEnv & ProtocolEnv): Promise<readonly unknown[]> {
  const { pipeline, task } = request
  const ioManager = createIoManagers(pipeline, env.ioPlugins, env)
  return resolveMapItems(task.id, task.foreach!, {
    readOutput: async (taskId) => {
      const ref = request.upstreamOutputs[taskId]
      const upstream = pipeline.tasks.get(taskId)
      if (!ref || !upstream) return undefined
      return ioManager(upstream.io).read(ref, { signal: request.signal, log: request.log, output: upstream.output })
    },
    values: request.upstreamValues,
    params: request.params,
  })
}

/** A list error is the user's (no retry helps); reading storage is the system's (a retry may). */
export function listError(error: unknown): ErrorInfo {
  const code = propertyOf(error, 'code')
  return toErrorInfo(error, code === 'MAP_ITEMS_INVALID' ? 'user' : 'system', 'IO_ERROR', code !== 'MAP_ITEMS_INVALID')
}

function checkIndex(task: Task, index: number, count: number): void {
  if (index >= count)
    throw new WeirError('MAP_ITEMS_INVALID', `Task '${task.id}' has ${count} item${count === 1 ? '' : 's'} in this run, so --item-index ${index} names none; indexes run from 0 to ${count - 1}.`)
}
