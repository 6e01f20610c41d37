/**
 * One item of a mapped task under `weir execute --item-index N` (docs/fan-out.md): the engine passes
 * only the index; the list is read here, from the literal, the param or the upstream output in its
 * IoManager, so items never travel through engine parameters.
 */
import type { AttemptRequest, ErrorInfo, PluginEnv } from '../../plugins/types.ts'
import type { Pipeline, Task } from '../../spec/model.ts'
import { createIoManagers } from '../io-managers.ts'
import { resolveMapItems } from '../map/items.ts'
import { WeirError } from '../../spec/weir-error.ts'
import { toErrorInfo } from '../errors.ts'
import type { ProtocolEnv } from './output-prefix.ts'

/**
 * A mapped task needs `--item-index`, another task refuses it (the caller reports these as usage errors). Map → map chains read
 * item outputs that the remote protocol does not yet lay out, so they are refused too.
 */
export function checkItemUsage(pipeline: Pipeline, task: Task, itemIndex: number | undefined): void {
  if (task.foreach === undefined && itemIndex !== undefined)
    throw new Error(`Task '${task.id}' is not mapped (it has no 'foreach'), so it takes no --item-index; leave it out.`)
  if (task.foreach !== undefined && itemIndex === undefined)
    throw new Error(`Task '${task.id}' is mapped over a list; pass --item-index N to run its item N (0-based).`)
  const mappedUpstream = task.foreach === undefined ? undefined : task.upstream.find((u) => pipeline.tasks.get(u)?.foreach !== undefined)
  if (mappedUpstream !== undefined)
    throw new Error(`Task '${task.id}' is mapped and reads mapped task '${mappedUpstream}', and this version of weir execute cannot run map → map items yet (see docs/fan-out.md).`)
}

/**
 * Fan-in under `weir execute`: a task reading a mapped task gets the items' outputs from the
 * inputs.json its parent wrote (`itemOutputs`, which `weir run --executor subprocess` writes); without
 * it the item outputs cannot be found, and the task is refused (a usage error).
 */
export function checkFanIn(pipeline: Pipeline, task: Task, itemOutputs: Readonly<Record<string, unknown>> | undefined): void {
  const missing = task.upstream.find((u) => pipeline.tasks.get(u)?.foreach !== undefined && !(itemOutputs && Object.hasOwn(itemOutputs, u)))
  if (missing !== undefined)
    throw new Error(`Task '${task.id}' reads mapped task '${missing}', whose item outputs are not in --inputs; this version of weir execute collects them only from an inputs.json that lists them (as weir run --executor subprocess writes).`)
}

/** Where item N of a task keeps its output and documents: below the task's own prefix. */
export function itemPrefix(taskPrefix: string, index: number): string {
  return `${taskPrefix}/items/${index}`
}

/** The item at `index` of the task's foreach list, or the error that fails this attempt (no retry helps). */
export async function readItem(request: AttemptRequest, index: number, env: PluginEnv & ProtocolEnv): Promise<{ ok: true; item: { value: unknown; index: number } } | { ok: false; error: ErrorInfo }> {
  const { pipeline, task } = request
  try {
    const ioManager = createIoManagers(pipeline, env.ioPlugins, env)
    const items = await resolveMapItems(task.id, task.foreach!, {
      readOutput: async (taskId) => {
        const ref = request.upstreamOutputs[taskId]
        const upstream = pipeline.tasks.get(taskId)
        if (!ref || !upstream) return undefined
        return ioManager(upstream.io).read(ref, { signal: request.signal, log: request.log, output: upstream.output })
      },
      values: request.upstreamValues,
      params: request.params,
    })
    if (index >= items.length)
      throw new WeirError('MAP_ITEMS_INVALID', `Task '${task.id}' has ${items.length} item${items.length === 1 ? '' : 's'} in this run, so --item-index ${index} names none; indexes run from 0 to ${items.length - 1}.`)
    return { ok: true, item: { value: items[index], index } }
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code
    return { ok: false, error: toErrorInfo(error, code === 'MAP_ITEMS_INVALID' ? 'user' : 'system', 'IO_ERROR', code !== 'MAP_ITEMS_INVALID') }
  }
}
