/**
 * What stands for a map → map item (an upstream item's stored output) in the list's hash: its
 * content hash, or, without one, its URI (it then never matches another run's); and in the item's
 * cache key, that and the form the item reaches the handler in (`formOf`: a JSON value, a Buffer,
 * a stream). One rule for `weir run` and `weir execute`, so both key an item the same way and share hits.
 */
import type { StoredRef } from '../../plugins/types.ts'
import { formOf } from '../cache/output-form.ts'

export function storedItemKey(ref: StoredRef | undefined): string | null {
  return ref ? (ref.contentHash ?? ref.uri) : null
}

export function storedItemCacheKey(ref: StoredRef | undefined): string | null {
  return ref ? `${formOf(ref)} ${ref.contentHash ?? ref.uri}` : null
}
