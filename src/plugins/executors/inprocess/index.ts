/**
 * The in-process executor: runs each attempt in this Node process through the runtime's shared
 * attempt function (`ExecutorEnv.host.runInProcess`), which is also what a run does when it is given
 * no executor. No process start-up per task, and handler modules are loaded once per run. A handler
 * that blocks the event loop blocks the run (past its timeout, `weir run` stops the process:
 * runtime/blocked-loop-watchdog.ts); use `--executor subprocess` for isolation.
 */
import type { Executor, ExecutorEnv, ExecutorPlugin } from '../../types.ts'

/** Creates an in-process executor; the run's host holds its IoManagers (created once per pipeline). */
export function createInProcessExecutor(_config: Record<string, never>, env: ExecutorEnv): Executor {
  return { runAttempt: (request) => env.host.runInProcess(request) }
}

/** The plugin descriptor (`--executor inprocess`). */
export const inprocessExecutor: ExecutorPlugin<Record<string, never>> = {
  type: 'inprocess',
  create: createInProcessExecutor,
}
