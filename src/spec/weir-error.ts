/**
 * The error base class of weir, in the bottom layer so that the runtime, the plugins and the CLI
 * throw one class (docs/architecture.md). Check `err.code`, never `instanceof`: a handler or plugin
 * may bring its own copy of weir, so the class it throws is not ours.
 */

/** What a `WeirError` carries besides its code and message. */
export interface WeirErrorOptions {
  /** The error this one explains; always pass it on. */
  readonly cause?: unknown
  /** Machine-readable facts for logs and `--json` (never secrets). */
  readonly details?: Record<string, unknown>
}

/**
 * An error with a machine-readable code and the cause passed on.
 * @example
 * throw new WeirError('IO_UNKNOWN_TYPE', `io 'lake' has type 'http', which no installed IoManager provides.`)
 */
export class WeirError extends Error {
  readonly code: string
  readonly details?: Readonly<Record<string, unknown>>
  constructor(code: string, message: string, options: WeirErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'WeirError'
    this.code = code
    if (options.details) this.details = options.details
  }
}
