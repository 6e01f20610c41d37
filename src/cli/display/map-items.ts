/**
 * How the terminal shows a mapped task (docs/fan-out.md): one row with its item counts
 * (`▸ 812/10,000 succeeded, 3 failed`), and the failing items listed under it.
 */
import type { ItemRecord } from '../../runtime/run-store/records.ts'
import { countItemRecords, formatItemCounts } from '../../runtime/map/derive-status.ts'

export { failedItemLines } from '../../runtime/map/failed-items.ts'

/** `▸ 812/10,000 succeeded, 3 failed`, or '' for a task without items. */
export function itemCountsOf(items: readonly ItemRecord[] | undefined): string {
  return items ? `▸ ${formatItemCounts(countItemRecords(items))}` : ''
}
