/**
 * `weir run` runs handlers in its own process, and one of them may end it: a `process.exit(0)` in a
 * library, a rejection nobody handles. The run store then keeps the run as interrupted (resumable),
 * but Node would exit with the handler's code, 0 looking like success to CI, and say nothing. While
 * the run goes on, an exit says which run was left unfinished and how to resume it, and is never 0.
 */
export interface UnfinishedExitGuard {
  /** The run's id, once the run store has it (run:start). */
  started(runId: string): void
  /** The run ended: exiting is fine from now on. */
  finished(): void
}

export function guardUnfinishedExit(specPath: string): UnfinishedExitGuard {
  let runId: string | undefined
  const onExit = (code: number): void => {
    const run = runId === undefined ? 'the run' : `run ${runId}`
    const resume = runId === undefined ? '' : ` Resume: weir run ${specPath} --resume ${runId}`
    const cause = code === 0 ? ' A handler ended the process (process.exit(0)); exiting 1, since the run did not succeed.' : ''
    process.stderr.write(`weir: run: the process is exiting before ${run} finished; it is kept as interrupted.${cause}${resume}\n`)
    if (code === 0) process.exitCode = 1
  }
  process.once('exit', onExit)
  return {
    started: (id) => void (runId = id),
    finished: () => void process.off('exit', onExit),
  }
}
