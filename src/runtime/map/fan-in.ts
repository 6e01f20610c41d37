/**
 * Fan-in (docs/fan-out.md): what a downstream task receives for a mapped task's output or values,
 * the list in item order, built from each item's stored output. An item without an output (it
 * failed, and the downstream task's trigger rule tolerates that) is `undefined` in its place; an
 * item without a value is `null` in the value's list.
 */

/** Item outputs read at once: enough to hide a store's latency, few enough to hold little memory. */
const PARALLEL_READS = 32

/** The list of item outputs in item order, each read through `readItem` (by the item's own stored ref), a few at a time. */
export async function collectItemOutputs(count: number, readItem: (index: number) => Promise<unknown>, hasOutput: (index: number) => boolean): Promise<unknown[]> {
  const out: unknown[] = new Array(count).fill(undefined)
  let next = 0
  const worker = async (): Promise<void> => {
    for (let i = next++; i < count; i = next++) if (hasOutput(i)) out[i] = await readItem(i)
  }
  await Promise.all(Array.from({ length: Math.min(PARALLEL_READS, count) }, worker))
  return out
}

/**
 * Task values of a mapped task: `{ name: [value of item 0, value of item 1, …] }`, `null` for an item
 * that did not set the value (or failed): the list a downstream task gets is the same JSON in
 * process, through an inputs.json and on the engines (docs/caching.md keys it as JSON).
 */
export function collectItemValues(itemValues: readonly (Readonly<Record<string, unknown>> | undefined)[], names: readonly string[]): Record<string, unknown[]> {
  const collected: Record<string, unknown[]> = {}
  for (const name of names)
    Object.defineProperty(collected, name, {
      value: itemValues.map((v) => (v !== undefined && Object.hasOwn(v, name) ? v[name] : null)),
      enumerable: true, writable: true, configurable: true,
    })
  return collected
}


/**
 * `values` (a mapped task's collected value lists) with a list of `null`s, one per item, for each
 * declared value no item set: a downstream task reads `${{ tasks.m.values.v }}` as a list, as its
 * generated type says, even when no item set `v` (an empty map, or items that never call set).
 */
export function withDeclaredValues(values: Readonly<Record<string, unknown>> | undefined, declared: readonly string[], count: number): Record<string, unknown> | undefined {
  const missing = declared.filter((name) => values === undefined || !Object.hasOwn(values, name))
  if (missing.length === 0) return values as Record<string, unknown> | undefined
  const out: Record<string, unknown> = { ...values }
  for (const name of missing) Object.defineProperty(out, name, { value: new Array(count).fill(null), enumerable: true, writable: true, configurable: true })
  return out
}
