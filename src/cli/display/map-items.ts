/**
 * How the terminal shows a mapped task (docs/fan-out.md): one row with its item counts
 * (`▸ 812/10,000 succeeded, 3 failed`), and the failing items listed under it.
 */
import type { ItemRecord } from '../../runtime/run-store/records.ts'
import { countItemRecords, formatItemCounts } from '../../runtime/map/derive-status.ts'

/** `▸ 812/10,000 succeeded, 3 failed`, or '' for a task without items. */
export function itemCountsOf(items: readonly ItemRecord[] | undefined): string {
  return items ? `▸ ${formatItemCounts(countItemRecords(items))}` : ''
}

/** `item 3 (2 attempts): HANDLER_ERROR: boom` for the first `max` failed items, then how many more. */
export function failedItemLines(items: readonly ItemRecord[] | undefined, max = 5): string[] {
  if (!items) return []
  const lines: string[] = []
  let more = 0
  items.forEach((item, index) => {
    if (item.status !== 'failed') return
    if (lines.length >= max) return void more++
    const attempts = item.attempts > 1 ? ` (${item.attempts} attempts)` : ''
    lines.push(`item ${index}${attempts}: ${item.error ? `${item.error.code}: ${item.error.message}` : 'failed'}`)
  })
  if (more > 0) lines.push(`… and ${more.toLocaleString('en-US')} more failed item${more === 1 ? '' : 's'}`)
  return lines
}
