/**
 * A handler that starts work without awaiting it (`save(rows)` instead of `await save(rows)`) leaves
 * a promise that may reject with nothing to catch it. Node then ends the process with a stack
 * trace. weir keeps the ending (the work the handler started failed, and nothing says which task's
 * result it belonged to: `weir run` stops, keeping the run interrupted and resumable; a task process
 * fails its task), but says it in one line instead of a stack. `weir schedule` is a daemon: it
 * warns and goes on, so that one handler does not stop every schedule.
 */
import { exitAsWeir } from '../runtime/own-exit.ts'
import { maskActiveSecrets } from '../runtime/secret-masker.ts'
import { thrownLine } from '../spec/thrown-value.ts'

/** Longest part of the rejection's message that the line quotes. */
const MAX_MESSAGE = 300

let installed = false

/** From now on, an unhandled rejection is one line on stderr; then the process exits 1, unless `keepRunning`. */
export function reportUnhandledRejections(options: { keepRunning?: boolean } = {}): void {
  if (installed) return
  installed = true
  process.on('unhandledRejection', (reason) => {
    const what = `a promise was rejected and nothing handled it (${maskActiveSecrets(describe(reason))}); a handler probably started work without awaiting it`
    if (options.keepRunning) {
      process.stderr.write(`weir: warning: ${what}.\n`)
      return
    }
    process.stderr.write(`weir: ${what}.\n`)
    // weir's decision (the work the handler started failed), not a handler's exit: its code stands.
    exitAsWeir(1)
  })
}

function describe(reason: unknown): string {
  const text = thrownLine(reason)
  const line = text.split('\n')[0]!
  return line.length > MAX_MESSAGE ? `${line.slice(0, MAX_MESSAGE - 1)}…` : line
}
