/**
 * A mapped task's list as the run loop reads it, once, when the task starts (docs/fan-out.md):
 * how many items, a hash that identifies the list (a resume reuses items only of the same list),
 * and each item on demand. Over a mapped upstream task's output (map → map), item i is that
 * task's stored output of item i, read by its own ref when item i runs: the list of outputs is
 * never held in memory at once.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto'
import type { StoredRef } from '../../plugins/types.ts'
import type { Task } from '../../spec/model.ts'
import type { LoopState } from './loop-state.ts'
import { resolveMapItems } from '../map/items.ts'
import { storedItemCacheKey, storedItemKey } from '../map/stored-item-key.ts'
import { WeirError } from '../errors.ts'
import { isSecretList } from '../map/secret-list.ts'

export interface MapList {
  readonly count: number
  readonly hash: string
  /** The value of item `index`. */
  item(index: number, signal: AbortSignal): Promise<unknown>
  /** What stands for item `index` in its cache key, when not its value (map → map: the stored output's hash and form). */
  cacheKeyOf?(index: number): string | null
}

export async function readMapList(loop: LoopState, task: Task): Promise<MapList> {
  const { input } = loop
  const { pipeline, graph } = input
  const source = task.foreach!.source
  const recordOf = (taskId: string) => loop.tasks[graph.indexOf.get(taskId)!]!
  if (source.kind === 'ref' && source.ref.kind === 'output' && source.ref.path.length === 0 && pipeline.tasks.get(source.ref.taskId)?.foreach !== undefined) {
    const producer = pipeline.tasks.get(source.ref.taskId)!
    const refs: readonly (StoredRef | undefined)[] = (recordOf(producer.id).items ?? []).map((item) => item.output)
    return {
      count: refs.length,
      hash: hashOf(refs.map(storedItemKey)),
      item: async (index, signal) => {
        const ref = refs[index]
        return ref ? readOutput(loop, ref, producer, signal) : undefined
      },
      cacheKeyOf: (index) => storedItemCacheKey(refs[index]),
    }
  }
  const items = await resolveMapItems(task.id, task.foreach!, {
    readOutput: async (taskId) => {
      const ref = recordOf(taskId).output
      return ref ? readOutput(loop, ref, pipeline.tasks.get(taskId)!, loop.runController.signal) : undefined
    },
    values: valuesOfUpstream(loop, task),
    params: input.params,
  })
  const hash = isSecretList(loop.input.pipeline, task) ? await keyedHashOf(loop, items) : hashOf(items)
  return { count: items.length, hash, item: async (index) => items[index] }
}

/** Whether the list is a param that holds a secret (`writeOnly` anywhere in its schema). */
/**
 * A secret list is journaled as an HMAC under the state dir's own key, never as a plain hash, which
 * would let anyone reading the journal confirm a guess (run-store/state-keys.ts). Without a key
 * (a run that keeps no history), a random one: the hash then matches no other run's.
 */
async function keyedHashOf(loop: LoopState, list: readonly unknown[]): Promise<string> {
  const key = loop.input.listHashKey ? await loop.input.listHashKey() : randomBytes(32)
  return `hmac-sha256:${createHmac('sha256', key).update(listJson(list)).digest('hex')}`
}

function readOutput(loop: LoopState, ref: StoredRef, producer: Task, signal: AbortSignal): Promise<unknown> {
  const read = loop.input.readOutput
  if (!read) throw new WeirError('INTERNAL', 'The run loop was given no way to read stored outputs, which a mapped task needs for its list.')
  return read(ref, producer, signal)
}

function valuesOfUpstream(loop: LoopState, task: Task): Record<string, Readonly<Record<string, unknown>>> {
  const values: Record<string, Readonly<Record<string, unknown>>> = {}
  for (const id of task.upstream) {
    const own = loop.tasks[loop.input.graph.indexOf.get(id)!]?.values
    if (own) values[id] = own
  }
  return values
}

/** SHA-256 of the list's JSON (undefined items as null). */
function hashOf(list: readonly unknown[]): string {
  return createHash('sha256').update(listJson(list)).digest('hex')
}

function listJson(list: readonly unknown[]): string {
  return JSON.stringify(list, (_k, v: unknown) => (v === undefined ? null : v)) ?? 'null'
}
