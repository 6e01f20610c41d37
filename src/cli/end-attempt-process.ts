/**
 * How a `weir execute` process ends once its attempt is over: at once, not when its event loop has
 * nothing left to do. A handler may leave a timer, a connection pool or a child process behind,
 * which would hold the process (and with it the engine's task, and the subprocess executor's
 * attempt, whose timeout counts it) long after the attempt's result was recorded; a SIGTERM from an
 * engine's timeout in that tail would then end it as cancelled, with the result already written.
 *
 * So the process writes out what is still queued on stdout and stderr (weir's report and the
 * handler's log lines, all written before its result was recorded), tells the run that started it,
 * if any, that the result is recorded (runtime/execute/parent-pipe.ts), and exits with the verdict.
 * Nothing else is waited for: what a handler's leftover work writes after the attempt ended is not
 * part of it. The flush is bounded, since a reader that stopped reading must not hold the process
 * either. A SIGTERM or SIGINT meanwhile ends the process with the verdict: the attempt is decided.
 */
import { exitAsWeir } from '../runtime/own-exit.ts'
import { outputStreamsMade } from './ignore-closed-output.ts'

/**
 * The longest wait for stdout and stderr to take what is queued on them. An engine's log collector
 * that falls behind for a moment must not lose the end of a task's log (a second dropped most of
 * 200,000 lines a reader took 1.4 s to get to); a reader that is gone for good must not keep the
 * process, whose result is recorded, from ending.
 */
export const FLUSH_BOUND_MS = 10_000

/**
 * Ends the process once its output is flushed. With `verdict` (the attempt's result is recorded),
 * the flush is followed by `tellParent(verdict)` (so the parent has every line of the task's log
 * before it settles the attempt), and the exit code is the verdict. Without one, the command failed
 * and is reporting it (run-cli.ts, in this turn of the event loop): the exit code is the one it sets.
 */
export function endAttemptProcess(verdict: number | undefined, tellParent: (code: number) => void): void {
  if (verdict === undefined) {
    setImmediate(() => whenFlushed(() => exitAsWeir(typeof process.exitCode === 'number' ? process.exitCode : 1)))
    return
  }
  const decided = (): never => exitAsWeir(verdict)
  process.once('SIGTERM', decided)
  process.once('SIGINT', decided)
  whenFlushed(() => {
    tellParent(verdict)
    exitAsWeir(verdict)
  })
}

/** Calls `then` once stdout and stderr have written out what is queued on them, or after FLUSH_BOUND_MS. */
function whenFlushed(then: () => void): void {
  // Not process.stdout and process.stderr themselves: asking for one that nothing used makes it (and loads node:stream).
  const queued = outputStreamsMade().filter((s) => s.writableLength > 0 && s.writable)
  if (queued.length === 0) return then()
  let left = queued.length
  let done = false
  const finish = (): void => {
    if (done) return
    done = true
    then()
  }
  setTimeout(finish, FLUSH_BOUND_MS).unref()
  // An empty write's callback runs once every write before it is done.
  for (const stream of queued) stream.write('', () => void (--left === 0 && finish()))
}
