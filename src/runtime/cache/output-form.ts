/**
 * The form a stored output reaches a handler in: the same bytes are a parsed JSON value (`json`),
 * a Buffer (`bytes`), a stream (`bytes+stream`) or a table (`parquet`), and a handler given one
 * where it got another may do something else, so a change of form changes the key. A module of its
 * own: map → map item keys need it in every `weir execute` of an item, which must not load the
 * key's hashing (node:crypto) for it.
 */
import type { StoredRef } from '../../plugins/types.ts'

export function formOf(ref: Pick<StoredRef, 'format' | 'stream'>): string {
  return ref.stream === true ? `${ref.format}+stream` : ref.format
}
