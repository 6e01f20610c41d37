/**
 * `weir schedule` runs every scheduled pipeline in its own process for as long as it runs, so a
 * handler's `process.exit(…)` (a library's, a script pasted into a handler) ended the daemon and
 * every schedule with it, with the handler's exit code. While the daemon runs, `process.exit` from
 * anyone but weir (runtime/own-exit.ts) throws instead, inside the code that called it: the task
 * fails with HANDLER_EXIT (retried as its policy says) and the daemon goes on. `weir run` and
 * `weir execute` are one run or one attempt each and let such an exit end them (guard-unfinished-exit.ts).
 */
import { WeirError } from '../spec/weir-error.ts'
import { exitAsWeir, isWeirsOwnExit } from '../runtime/own-exit.ts'
import { printUncaught } from './report-uncaught-errors.ts'

/** Installs the interception; returns how to remove it. */
export function interceptHandlerExits(): () => void {
  const real = process.exit
  const thrown = new WeakSet<object>()
  const intercepted = function exit(code?: number | string | null): never {
    if (isWeirsOwnExit()) return real.call(process, code)
    const error = new WeirError('HANDLER_EXIT', `A handler called process.exit(${code ?? ''}); weir schedule keeps running and fails the task instead: return or throw in handlers, never exit the process.`)
    thrown.add(error)
    throw error
  }
  // Called in a callback (a timer, an event listener), the throw reaches no attempt: it is said in
  // one line and the daemon goes on. Any other error nothing caught ends the process as Node would.
  const uncaught = (error: unknown): void => {
    if (typeof error === 'object' && error !== null && thrown.has(error)) {
      process.stderr.write(`weir: warning: a handler called process.exit from a callback, where no task can fail for it; weir schedule goes on. Return or throw in handlers, never exit the process.\n`)
      return
    }
    printUncaught(error)
    exitAsWeir(1)
  }
  process.on('uncaughtException', uncaught)
  process.exit = intercepted as typeof process.exit
  return () => {
    if (process.exit === intercepted) process.exit = real
    process.off('uncaughtException', uncaught)
  }
}
