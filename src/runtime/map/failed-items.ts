/**
 * The failed items of a mapped task as lines, for every place that shows them (the terminal's
 * summary and `weir runs show`, the web UI's task panel), so they read the same everywhere.
 */
import type { ItemRecord } from '../run-store/records.ts'

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
