/**
 * Runtime errors. Check `err.code`, never `instanceof`: a handler or plugin may bring its own copy of
 * weir, so the class it throws is not ours. `WeirError` itself lives in the bottom layer
 * (src/spec/weir-error.ts) and is re-exported here for the runtime's modules.
 */
import type { ErrorInfo } from '../plugins/types.ts'
import { isErrorObject, propertyOf, stringPropertyOf, thrownText } from '../spec/thrown-value.ts'

export { WeirError } from '../spec/weir-error.ts'

/** Codes of errors the runtime itself raises or records (docs/running.md#runtime-error-codes). */
export type RuntimeErrorCode =
  | 'NON_RETRYABLE'
  | 'HANDLER_ERROR'
  | 'HANDLER_NOT_FOUND'
  | 'HANDLER_OUTSIDE_PROJECT'
  | 'HANDLER_NOT_A_FUNCTION'
  | 'HANDLER_EXPORT_MISSING'
  | 'HANDLER_SYNTAX_ERROR'
  | 'OUTPUT_INVALID'
  | 'VALUE_INVALID'
  | 'VALUE_UNDECLARED'
  | 'VALUE_TOO_LARGE'
  | 'INPUT_UNAVAILABLE'
  | 'CONCAT_SCHEMA_MISMATCH'
  | 'IO_ERROR'
  | 'IO_UNKNOWN_TYPE'
  | 'TASK_TIMEOUT'
  | 'EXECUTOR_ERROR'
  | 'INTERNAL'
  | 'PARAM_INVALID'
  | 'RUN_NOT_FOUND'
  | 'RESUME_MISMATCH'

/**
 * Thrown by a handler to fail its task at once, without the retries its policy allows
 * (bad input that no retry can fix). Recognised by `code === 'NON_RETRYABLE'`.
 * @example
 * if (!row.id) throw new NonRetryableError(`row ${i} has no id`)
 */
export class NonRetryableError extends Error {
  readonly code = 'NON_RETRYABLE'
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'NonRetryableError'
  }
}

/** Whether an error (from any copy of weir) asks not to be retried. */
export function isNonRetryable(error: unknown): boolean {
  return propertyOf(error, 'code') === 'NON_RETRYABLE'
}

/**
 * What an error's own `code` must look like to be kept: a token (`ENOENT`, `ERR_SOCKET_CLOSED`,
 * `23505`, `auth/invalid-email`, `ThrottlingException`). A code is shown bare wherever the error is
 * (`✗ task: CODE: message`); anything else a handler set there (a whole sentence, a value it was
 * given, a line break and escape sequences that would forge lines of the run's report) gives way to
 * the fallback code, and the message still says what happened.
 */
const CODE_TOKEN = /^[A-Za-z0-9_][A-Za-z0-9_.:/-]{0,99}$/

/**
 * Turns anything thrown into the structured form the run store keeps.
 * `origin` says whose fault it is; `recoverable` is false for NonRetryableError and for codes no retry fixes.
 * Never throws: a property of the thrown value that cannot be read counts as absent (spec/thrown-value.ts).
 */
export function toErrorInfo(error: unknown, origin: ErrorInfo['origin'], fallbackCode: string, recoverable = true): ErrorInfo {
  const rawCode = propertyOf(error, 'code')
  const code = typeof rawCode === 'string' && CODE_TOKEN.test(rawCode) ? rawCode : fallbackCode
  const message = thrownText(error)
  const stack = isErrorObject(error) ? stringPropertyOf(error, 'stack') : undefined
  return {
    code,
    message: message || `${code} (no message)`,
    ...(stack !== undefined && { stack }),
    origin,
    recoverable: recoverable && rawCode !== 'NON_RETRYABLE',
  }
}
