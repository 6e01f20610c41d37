/**
 * `weir execute --list-items`: the first step of a mapped task on an engine (docs/fan-out.md). It
 * resolves the task's list through the IoManagers, keeps it at the task's prefix (`items.json`:
 * the count and the items, so every item reads the same list even if an upstream is re-run), and
 * hands the engine only the index list `[0, 1, …, n-1]`, as `<dir>/indexes.json` in
 * `$WEIR_TASK_VALUE_DIR` (a Databricks task value, an Argo output parameter).
 *
 * A list that cannot be used (not an array, missing, more items than the engine's index list can
 * hold) is recorded in `items.json` and the index list is `[-1]`: the map then runs one iteration
 * that fails with that error, so the mapped task fails as itself. Storage failures are thrown (the
 * engine retries the step).
 */
import { promises as fsp } from 'node:fs'
import { join } from 'node:path'
import type { AttemptRequest, PluginEnv } from '../../plugins/types.ts'
import type { Pipeline, Task } from '../../spec/model.ts'
import { WeirError } from '../../spec/weir-error.ts'
import { EXECUTE_EXIT, INDEXES_VALUE, ITEMS_DOCUMENT, LIST_FAILED_INDEX } from './contract.ts'
import type { ItemsDocument } from './contract.ts'
import { openDocuments } from './documents.ts'
import { itemWiseUpstream, listError, resolveItems } from './item.ts'
import type { ProtocolEnv } from './output-prefix.ts'
import { makeDirs } from '../../plugins/io/make-dirs.ts'
import { isSecretList } from '../map/secret-list.ts'

export interface ListItemsOptions {
  /** Most items the engine's index list can carry (`--max-items`); more fail the map. */
  readonly maxItems?: number
  /** Folder for `indexes.json` (`$WEIR_TASK_VALUE_DIR`); without it the list is only stored. */
  readonly taskValueDir?: string
}

export interface ListItemsRequest extends ListItemsOptions {
  readonly pipeline: Pipeline
  readonly task: Task
  readonly runId: string
  readonly params: Readonly<Record<string, unknown>>
  readonly upstream: {
    readonly outputs: AttemptRequest['upstreamOutputs']
    readonly values: AttemptRequest['upstreamValues']
    readonly itemOutputs?: AttemptRequest['upstreamItemOutputs']
  }
  readonly taskPrefix: string
  readonly signal: AbortSignal
  readonly env: PluginEnv & ProtocolEnv
  readonly run: AttemptRequest['run']
}

/** Lists the items and records them; exit 0 also when the list failed (the map's one iteration reports it). */
export async function listItems(request: ListItemsRequest): Promise<{ exitCode: number; message?: string }> {
  let doc: ItemsDocument
  try {
    doc = await resolveList(request)
  } catch (error) {
    const info = listError(error)
    if (info.origin !== 'user') throw error
    doc = { error: info }
  }
  await (await openDocuments(request.taskPrefix, request.pipeline, request.env)).write(ITEMS_DOCUMENT, doc)
  const indexes = doc.count === undefined ? [LIST_FAILED_INDEX] : Array.from({ length: doc.count }, (_, i) => i)
  if (request.taskValueDir !== undefined) {
    await makeDirs(request.taskValueDir)
    // Compact on purpose: the engines bound this value (Databricks: 48 KiB, which holds 10,000 indexes).
    await fsp.writeFile(join(request.taskValueDir, `${INDEXES_VALUE}.json`), `[${indexes.join(',')}]`)
  }
  if (doc.error) return { exitCode: EXECUTE_EXIT.ok, message: `its list cannot be used, so the map will fail (${doc.error.code}: ${doc.error.message})` }
  request.env.log.info(`Listed ${doc.count} item${doc.count === 1 ? '' : 's'} of task '${request.task.id}'.`)
  return { exitCode: EXECUTE_EXIT.ok }
}

async function resolveList(request: ListItemsRequest): Promise<ItemsDocument> {
  const { pipeline, task } = request
  const along = itemWiseUpstream(pipeline, task)
  if (along !== undefined) {
    // Map → map: item i reads item i of the upstream by its URI; only the count is kept here.
    const refs = request.upstream.itemOutputs?.[along]
    if (refs === undefined) throw new WeirError('MAP_ITEMS_INVALID', `Task '${task.id}' is mapped over the items of task '${along}', which has no listed items in run '${request.runId}' (it did not run, or its list failed).`)
    return checkCount(request, { count: refs.length })
  }
  const attempt: AttemptRequest = {
    pipeline, task, runId: request.runId, attempt: 1, params: request.params,
    upstreamOutputs: request.upstream.outputs, upstreamValues: request.upstream.values,
    signal: request.signal, log: request.env.log, run: request.run,
  }
  const items = await resolveItems(attempt, request.env)
  // A secret list is not written down: each item step reads it again from its own params (secret-list.ts).
  return checkCount(request, isSecretList(pipeline, task) ? { count: items.length } : { count: items.length, items })
}

function checkCount(request: ListItemsRequest, doc: ItemsDocument & { count: number }): ItemsDocument {
  const max = request.maxItems
  if (max !== undefined && doc.count > max)
    throw new WeirError('MAP_ITEMS_INVALID', `Task '${request.task.id}' has ${doc.count.toLocaleString('en-US')} items in this run; on this engine a map has at most ${max.toLocaleString('en-US')} (the index list travels as one engine value), so batch the items.`)
  return doc
}
