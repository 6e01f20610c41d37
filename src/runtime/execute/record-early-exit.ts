/**
 * A handler may end its `weir execute` process before the attempt is over: `process.exit(3)` in a
 * library, an error thrown in a callback where nothing catches it. The exit code is then made 1, a
 * failed attempt that is retried as the task's policy says (src/cli/guard-unfinished-exit.ts: the
 * codes 2, 3, 130 and 143 are weir's verdicts, and engines retry by them). This writes the
 * error.json that goes with it, code HANDLER_EXIT, so that the run (or an engine's next attempt)
 * knows what happened, the same way on every engine.
 *
 * It is written from an `exit` listener, which cannot wait for anything: only where the prefix's
 * store can write synchronously (a local folder). Elsewhere the exit code alone says it (the
 * subprocess executor then records SUBPROCESS_CRASHED, retried as well). weir's own exits
 * (own-exit.ts: the run that started the process is gone) are no failure of the handler's.
 */
import type { AttemptRequest, ErrorInfo } from '../../plugins/types.ts'
import { ERROR_DOCUMENT } from './contract.ts'
import type { ErrorDocument } from './contract.ts'
import type { DocumentStore } from './documents.ts'
import { isWeirsOwnExit } from '../own-exit.ts'
import { maskedError } from '../secret-masker.ts'
import type { SecretMasker } from '../secret-masker.ts'
import { isErrorObject, stringPropertyOf, thrownLine } from '../../spec/thrown-value.ts'

/** The error of an attempt whose process a handler ended. */
export const HANDLER_EXIT = 'HANDLER_EXIT'

/** Longest part of an uncaught error's message that the error's message quotes. */
const MAX_QUOTED = 300

/**
 * From now until the returned function is called, an exit of the process that is not weir's own
 * writes the attempt's error.json (when the store can). Call the returned function once the attempt
 * has recorded its own end.
 */
export function recordEarlyExit(docs: DocumentStore, request: AttemptRequest, mask: SecretMasker | undefined): () => void {
  const writeNow = docs.writeNow
  if (writeNow === undefined) return () => {}
  let uncaught: { readonly error: unknown; readonly rejected?: boolean } | undefined
  // Only watches: Node still prints the error and ends the process as it would have.
  const onUncaught = (error: unknown): void => void (uncaught ??= { error })
  // A promise a handler left rejected ends the process too (weir's own exit, report-unhandled-rejections.ts),
  // but the failure is the handler's: the attempt records it as such.
  const onRejected = (reason: unknown): void => void (uncaught ??= { error: reason, rejected: true })
  const onExit = (code: number): void => {
    if (isWeirsOwnExit() && uncaught?.rejected !== true) return
    const info = earlyExitError(request, code, uncaught)
    const error = mask ? maskedError(info, mask) : info
    const document: ErrorDocument = { ...error, attempt: request.attempt, timestamp: new Date().toISOString(), task: request.task.id, runId: request.runId }
    try {
      writeNow(ERROR_DOCUMENT, document)
    } catch {
      // The exit code still says the attempt failed.
    }
  }
  process.on('uncaughtExceptionMonitor', onUncaught)
  // Prepended: it must see the rejection before the listener that ends the process.
  process.prependListener('unhandledRejection', onRejected)
  process.once('exit', onExit)
  return () => {
    process.off('uncaughtExceptionMonitor', onUncaught)
    process.off('unhandledRejection', onRejected)
    process.off('exit', onExit)
  }
}

/** Always a failure a retry may fix, as the exit code 1 tells every engine. */
function earlyExitError(request: AttemptRequest, code: number, uncaught: { readonly error: unknown; readonly rejected?: boolean } | undefined): ErrorInfo {
  const where = `before attempt ${request.attempt} of task '${request.task.id}' finished`
  if (uncaught?.rejected) {
    const error = uncaught.error
    const stack = isErrorObject(error) ? stringPropertyOf(error, 'stack') : undefined
    return {
      code: HANDLER_EXIT,
      message: `A promise was rejected and nothing handled it (${describe(error)}), which ended the process ${where}; a handler probably started work without awaiting it.`,
      ...(stack !== undefined && { stack }),
      origin: 'user',
      recoverable: true,
    }
  }
  if (uncaught) {
    const error = uncaught.error
    const stack = isErrorObject(error) ? stringPropertyOf(error, 'stack') : undefined
    return {
      code: HANDLER_EXIT,
      message: `An error nothing caught (${describe(error)}) ended the process ${where}; a handler probably threw in a callback or an event listener, where its attempt cannot catch it.`,
      ...(stack !== undefined && { stack }),
      origin: 'user',
      recoverable: true,
    }
  }
  return {
    code: HANDLER_EXIT,
    message: `A handler called process.exit(${code}) ${where}; return or throw instead (weir execute's exit code is weir's verdict, which engines retry by).`,
    origin: 'user',
    recoverable: true,
  }
}

function describe(error: unknown): string {
  const text = thrownLine(error)
  const line = text.split('\n')[0]!
  return line.length > MAX_QUOTED ? `${line.slice(0, MAX_QUOTED - 1)}…` : line
}
