/**
 * `weir run` and `weir execute` run handlers in their own process, and a handler may end it: a
 * `process.exit(0)` in a library, a rejection nobody handles. The run store then keeps the run as
 * interrupted (resumable), but Node would exit with the handler's code, 0 looking like success to CI
 * and to an engine, and say nothing. While the work goes on, an exit says what was left unfinished
 * and is never 0.
 */
import { resumeCommand } from './resume-command.ts'

/** Until the returned function is called, an exit of the process writes `message(code)` to stderr and is never 0. */
export function guardEarlyExit(message: (code: number) => string): () => void {
  const onExit = (code: number): void => {
    process.stderr.write(message(code))
    if (code === 0) process.exitCode = 1
  }
  process.once('exit', onExit)
  return () => void process.off('exit', onExit)
}

export interface UnfinishedExitGuard {
  /** The run's id, once the run store has it (run:start). */
  started(runId: string): void
  /** The run ended: exiting is fine from now on. */
  finished(): void
}

/** `weir run`'s guard: names the interrupted run and how to resume it. */
export function guardUnfinishedExit(specPath: string, stateDir?: string): UnfinishedExitGuard {
  let runId: string | undefined
  const finished = guardEarlyExit((code) => {
    const run = runId === undefined ? 'the run' : `run ${runId}`
    const resume = runId === undefined ? '' : ` Resume: ${resumeCommand(specPath, runId, stateDir)}`
    const cause = code === 0 ? ' A handler ended the process (process.exit(0)); exiting 1, since the run did not succeed.' : ''
    return `weir: run: the process is exiting before ${run} finished; it is kept as interrupted.${cause}${resume}\n`
  })
  return { started: (id) => void (runId = id), finished }
}
