/**
 * Fan-in under `weir execute` (docs/fan-out.md): a task that reads a mapped upstream task gets that
 * task's item outputs and values, in item order, from each item's own `outputs.json`
 * (`<prefix>/items/N/outputs.json`), never from one document or engine parameter for the whole map.
 * How many items there are comes from the `items.json` that `--list-items` wrote.
 */
import type { PluginEnv, StoredRef } from '../../plugins/types.ts'
import type { Pipeline, Task } from '../../spec/model.ts'
import { collectItemValues, withDeclaredValues } from '../map/fan-in.ts'
import { ITEMS_DOCUMENT, OUTPUTS_DOCUMENT } from './contract.ts'
import type { ItemsDocument, OutputsDocument } from './contract.ts'
import { openDocuments } from './documents.ts'
import { itemFolder } from './item.ts'
import type { ProtocolEnv } from './output-prefix.ts'

/** Item documents read at once: enough to hide a store's latency, few enough for any store. */
const PARALLEL_READS = 32

export interface MappedUpstream {
  /** Each item's stored output; undefined where the item has none (it failed, or returned nothing). */
  readonly outputs: (StoredRef | undefined)[]
  /** `{ value name: [item 0's value, item 1's value, …] }` for each value some item set. */
  readonly values: Record<string, unknown[]>
}

/**
 * The items of a mapped upstream task under its prefix, or undefined when it listed none (it did
 * not run, or its list failed).
 */
export async function readMappedUpstream(prefix: string, upstream: Task, pipeline: Pipeline, env: PluginEnv & ProtocolEnv): Promise<MappedUpstream | undefined> {
  // One store for the whole map: opening one per item costs more than the reads themselves.
  const store = await openDocuments(prefix, pipeline, env)
  const listed = await store.read<ItemsDocument>(ITEMS_DOCUMENT)
  if (listed?.count === undefined) return undefined
  const docs = new Array<OutputsDocument | undefined>(listed.count)
  let next = 0
  const worker = async (): Promise<void> => {
    for (let i = next++; i < listed.count; i = next++) docs[i] = await store.read<OutputsDocument>(`${itemFolder(i)}/${OUTPUTS_DOCUMENT}`)
  }
  await Promise.all(Array.from({ length: Math.min(PARALLEL_READS, listed.count) }, worker))
  const itemValues = docs.map((d) => d?.values)
  return {
    outputs: docs.map((d) => d?.output),
    // The names some item set, and every declared one (a list of nulls when no item set it), as
    // `weir run` gives them (run-loop/run-map.ts): a fan-in's cache key is the same either way.
    values: withDeclaredValues(collectItemValues(itemValues, namesSet(itemValues)), Object.keys(upstream.values), listed.count) as Record<string, unknown[]>,
  }
}

function namesSet(itemValues: readonly (Readonly<Record<string, unknown>> | undefined)[]): string[] {
  const names = new Set<string>()
  for (const values of itemValues) if (values) for (const name in values) names.add(name)
  return [...names]
}
