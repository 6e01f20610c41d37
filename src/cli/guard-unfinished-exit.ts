/**
 * `weir run` and `weir execute` run handlers in their own process, and a handler may end it: a
 * `process.exit(3)` in a library, an error nothing catches. The run store then keeps the run as
 * interrupted (resumable); `weir execute` records the attempt as failed (runtime/execute/
 * record-early-exit.ts). But Node would exit with the handler's code, and exit codes are weir's
 * verdicts: 0 looks like success to CI and to an engine, 2 like a usage error, 3 like a failure no
 * retry can fix (Argo would not retry it, Databricks would), 130 and 143 like a cancel. So while the
 * work goes on, an exit says what was left unfinished and is 1, a failure; once weir has its verdict,
 * an exit keeps it (a handler that ignored its signal may still be going after a timeout). weir's
 * own exits (runtime/own-exit.ts: its parent run gone, a second Ctrl-C) keep their codes.
 */
import { resumeCommand } from './resume-command.ts'
import { isWeirsOwnExit } from '../runtime/own-exit.ts'

/** The exit code of a process a handler ended before the work was done: a failure, whatever the handler said. */
const HANDLER_ENDED = 1

export interface ExitGuard {
  /**
   * The work is over. With `verdict`, an exit from now on keeps it, whatever code a handler gives;
   * without one (the command failed, and reports it), the guard is gone.
   */
  finished(verdict?: number): void
}

/**
 * Until `finished`, an exit of the process writes `message(code, handlerCode)` to stderr and is 1;
 * `handlerCode` is the code given up (a handler's `process.exit(code)`) when it was not 1 already.
 */
export function guardEarlyExit(message: (code: number, handlerCode: number | undefined) => string): ExitGuard {
  let done = false
  let verdict: number | undefined
  const onExit = (code: number): void => {
    const own = isWeirsOwnExit()
    if (!done) {
      const replaced = !own && code !== HANDLER_ENDED ? code : undefined
      process.stderr.write(message(code, replaced))
      if (!own) process.exitCode = HANDLER_ENDED
      return
    }
    if (!own && verdict !== undefined) process.exitCode = verdict
  }
  process.once('exit', onExit)
  return {
    finished(given) {
      done = true
      verdict = given
      if (given === undefined) process.off('exit', onExit)
    },
  }
}

export interface UnfinishedExitGuard {
  /** The run's id, once the run store has it (run:start). */
  started(runId: string): void
  /** The run ended; with `verdict`, the exit code it ends with, which a handler's process.exit can no longer change. */
  finished(verdict?: number): void
}

/** `weir run`'s guard: names the interrupted run and how to resume it. */
export function guardUnfinishedExit(specPath: string, stateDir?: string): UnfinishedExitGuard {
  let runId: string | undefined
  const guard = guardEarlyExit((_code, handlerCode) => {
    const run = runId === undefined ? 'the run' : `run ${runId}`
    const resume = runId === undefined ? '' : ` Resume: ${resumeCommand(specPath, runId, stateDir)}`
    const cause = handlerCode === undefined ? '' : ` A handler ended the process (process.exit(${handlerCode})); exiting 1, since the run did not succeed.`
    return `weir: run: the process is exiting before ${run} finished; it is kept as interrupted.${cause}${resume}\n`
  })
  return { started: (id) => void (runId = id), finished: (verdict) => guard.finished(verdict) }
}
