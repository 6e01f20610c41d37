/**
 * The subprocess executor (`weir run --executor subprocess`): every attempt runs as its own
 * `weir execute` process, started from the same command template a remote engine uses, so the
 * remote path is exercised locally with the same statuses as the in-process executor.
 */
import type { Executor, ExecutorEnv, ExecutorPlugin } from '../../types.ts'

export interface SubprocessExecutorConfig {
  /** argv prefix that starts weir. @default `[node, <this package>/bin/weir.js]` */
  readonly cli?: readonly string[]
  /** Command template for every task (a task's or the pipeline's `command` wins). @default the `weir execute` template */
  readonly command?: readonly string[]
  /** How long a cancelled attempt gets after SIGTERM before SIGKILL. @default 5000 */
  readonly killGraceMs?: number
}

/** Creates the executor; the implementation loads on the first attempt. */
export function createSubprocessExecutor(config: SubprocessExecutorConfig, env: ExecutorEnv): Executor {
  let impl: Promise<Executor> | undefined
  const load = () => (impl ??= import('./run-subprocess.ts').then((m) => m.createSubprocessRunner(config, env)))
  return {
    async runAttempt(request) {
      return (await load()).runAttempt(request)
    },
    async close() {
      if (impl) await (await impl).close?.()
    },
  }
}

/** The plugin descriptor (`--executor subprocess`). */
export const subprocessExecutor: ExecutorPlugin<SubprocessExecutorConfig> = {
  type: 'subprocess',
  create: createSubprocessExecutor,
}
