/**
 * What a task's return value is, told by its shape (no import of apache-arrow or node:stream): an
 * Arrow table, bytes, a byte stream, or else a JSON value. The IoManagers store each kind its own
 * way (plugins/io/classify-value.ts); the attempt (runtime/attempt.ts) checks a JSON output in the
 * form it is stored in (json-form.ts). Both sort values here, so they agree on which is which.
 */
import type { Readable } from 'node:stream'

/** The parts of an Apache Arrow `Table` weir relies on (checked without importing arrow). */
export interface ArrowTableLike {
  readonly schema: { readonly fields: readonly { readonly name: string; readonly type: unknown }[] }
  readonly batches: readonly unknown[]
  readonly numRows: number
}

/** True for an Apache Arrow `Table` (any copy of apache-arrow). */
export function isArrowTable(value: unknown): value is ArrowTableLike {
  if (typeof value !== 'object' || value === null) return false
  const v = value as Partial<ArrowTableLike>
  return typeof v.numRows === 'number' && Array.isArray(v.batches) && Array.isArray(v.schema?.fields)
}

/** True for a Node.js Readable stream (or anything that pipes like one). */
export function isReadableStream(value: unknown): value is Readable {
  if (typeof value !== 'object' || value === null) return false
  const v = value as { pipe?: unknown; read?: unknown; on?: unknown }
  return typeof v.pipe === 'function' && typeof v.read === 'function' && typeof v.on === 'function'
}

/** Whether an output is stored as JSON: anything but an Arrow table, bytes or a stream. */
export function isJsonOutput(value: unknown): boolean {
  return !(value instanceof Uint8Array) && !isArrowTable(value) && !isReadableStream(value)
}
