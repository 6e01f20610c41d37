/**
 * What stands for a map → map item (an upstream item's stored output) in the item's cache key and
 * in the list's hash: its content hash, or, without one, its URI (it then never matches another
 * run's). One rule for `weir run` and `weir execute`, so both key an item the same way and share hits.
 */
import type { StoredRef } from '../../plugins/types.ts'

export function storedItemKey(ref: StoredRef | undefined): string | null {
  return ref ? (ref.contentHash ?? ref.uri) : null
}
