/**
 * An error a handler throws where nothing catches it (in a timer, an event listener) ends `weir run`
 * and `weir execute` as Node ends any process: its stack on stderr, exit code 1 (the exit guards and
 * record-early-exit.ts then say what was left unfinished). Printed here rather than by Node so that a
 * secret of the run that the message quotes is masked (runtime/secret-masker.ts), as in every other
 * line weir prints.
 */
import { maskActiveSecrets } from '../runtime/secret-masker.ts'
import { isErrorObject, stringPropertyOf, thrownLine } from '../spec/thrown-value.ts'

let installed = false

export function reportUncaughtErrors(): void {
  if (installed) return
  installed = true
  process.on('uncaughtException', (error) => {
    printUncaught(error)
    // As Node would: the guards take it for what it is (an exit before the work was done).
    process.exit(1)
  })
}

/** An error nothing caught, as Node prints it (its stack), with the secrets of the runs under way masked. */
export function printUncaught(error: unknown): void {
  const stack = isErrorObject(error) ? stringPropertyOf(error, 'stack') : undefined
  const text = stack || `Uncaught ${thrownLine(error)}`
  process.stderr.write(`${maskActiveSecrets(text)}\n`)
}
