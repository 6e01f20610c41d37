/**
 * Fan-in (docs/fan-out.md): what a downstream task receives for a mapped task's output or values,
 * the list in item order, built from each item's stored output. An item without an output (it
 * failed, and the downstream task's trigger rule tolerates that) is `undefined` in its place.
 */

/** The list of item outputs, read one item at a time through `readItem` (by the item's own stored ref). */
export async function collectItemOutputs(count: number, readItem: (index: number) => Promise<unknown>, hasOutput: (index: number) => boolean): Promise<unknown[]> {
  const out: unknown[] = new Array(count)
  for (let i = 0; i < count; i++) out[i] = hasOutput(i) ? await readItem(i) : undefined
  return out
}

/** Task values of a mapped task: `{ name: [value of item 0, value of item 1, …] }`. */
export function collectItemValues(itemValues: readonly (Readonly<Record<string, unknown>> | undefined)[], names: readonly string[]): Record<string, unknown[]> {
  const collected: Record<string, unknown[]> = {}
  for (const name of names)
    Object.defineProperty(collected, name, {
      value: itemValues.map((v) => (v !== undefined && Object.hasOwn(v, name) ? v[name] : undefined)),
      enumerable: true, writable: true, configurable: true,
    })
  return collected
}

