/**
 * The status of a mapped task from the statuses of its items (docs/fan-out.md, "Status of a mapped
 * task"), with the semantics of Databricks' `for_each_task`: succeeded when every item succeeded
 * (an empty list included), failed when an item failed after its last retry, cancelled when the run
 * was cancelled before every item ended. Items never end `skipped`: the map is judged as a whole.
 */

/** How one item ended; `pending`/`running` while it has not; `interrupted` when the run's process died while it ran. */
export type ItemStatus = 'pending' | 'running' | 'succeeded' | 'failed' | 'cancelled' | 'interrupted'

/** Counts of a map's items by status, for the display, `--json` and `weir runs show`. */
export interface ItemCounts {
  readonly total: number
  readonly succeeded: number
  readonly failed: number
  readonly cancelled: number
  readonly running: number
  readonly pending: number
  readonly interrupted: number
}

export function countItems(statuses: readonly ItemStatus[]): ItemCounts {
  const counts = { total: statuses.length, succeeded: 0, failed: 0, cancelled: 0, running: 0, pending: 0, interrupted: 0 }
  for (const s of statuses) counts[s]++
  return counts
}

/** The counts of a task's item records (records.ts), without building the list of statuses. */
export function countItemRecords(items: readonly { readonly status: ItemStatus }[]): ItemCounts {
  const counts = { total: items.length, succeeded: 0, failed: 0, cancelled: 0, running: 0, pending: 0, interrupted: 0 }
  for (const item of items) counts[item.status]++
  return counts
}

/**
 * The mapped task's status, or undefined while items are still pending or running (the other items
 * run to the end after one failed, as the iterations of a `for_each_task` do).
 */
export function deriveMapStatus(statuses: readonly ItemStatus[]): 'succeeded' | 'failed' | 'cancelled' | undefined {
  const c = countItems(statuses)
  if (c.pending > 0 || c.running > 0 || c.interrupted > 0) return undefined
  if (c.failed > 0) return 'failed'
  if (c.cancelled > 0) return 'cancelled'
  return 'succeeded'
}

/** `812/10,000 succeeded, 3 failed`: the one-line summary of a map's row. */
export function formatItemCounts(c: ItemCounts): string {
  const n = (x: number) => x.toLocaleString('en-US')
  const parts = [`${n(c.succeeded)}/${n(c.total)} succeeded`]
  if (c.failed > 0) parts.push(`${n(c.failed)} failed`)
  if (c.cancelled > 0) parts.push(`${n(c.cancelled)} cancelled`)
  if (c.running > 0) parts.push(`${n(c.running)} running`)
  if (c.interrupted > 0) parts.push(`${n(c.interrupted)} interrupted`)
  return parts.join(', ')
}
