/**
 * Errors raised by IoManagers: a `WeirError` whose code is one of `IO_ERROR_CODES`. Check `err.code`,
 * never `instanceof` (a plugin may bring its own copy of weir), and always pass the `cause` on.
 */
import { WeirError } from '../../spec/weir-error.ts'
import type { WeirErrorOptions } from '../../spec/weir-error.ts'

/** Codes an IoManager may raise; listed in docs/io-managers.md. */
export const IO_ERROR_CODES = [
  /** The stored output a ref or URI points at does not exist. */
  'OUTPUT_NOT_FOUND',
  /** A pipeline, run or task id cannot be used as a path segment (it would escape the root). */
  'IO_INVALID_KEY',
  /** A URI or `prefix` has a scheme this IoManager cannot handle (e.g. `gs://` given to `fs`). */
  'IO_UNSUPPORTED_URI',
  /** The task returned something that cannot be stored (undefined, a function, a BigInt in JSON, …). */
  'IO_UNSUPPORTED_VALUE',
  /** A table output does not match its declared columns. */
  'TABLE_SCHEMA_MISMATCH',
  /** Writing failed (disk, network, precondition races that did not settle). */
  'IO_WRITE_FAILED',
  /** Reading failed for another reason than a missing object (including checksum mismatches). */
  'IO_READ_FAILED',
  /** The store needs credentials and none were found (or they were refused); a retry cannot help. */
  'IO_NO_CREDENTIALS',
] as const
export type IoErrorCode = (typeof IO_ERROR_CODES)[number]

/** An IoManager failure with a stable `code`: a `WeirError` whose constructor only accepts `IoErrorCode`s. */
export class IoError extends WeirError {
  declare readonly code: IoErrorCode

  constructor(code: IoErrorCode, message: string, options?: WeirErrorOptions) {
    super(code, message, options)
    this.name = 'IoError'
  }
}
