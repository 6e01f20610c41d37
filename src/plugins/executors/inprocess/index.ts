/**
 * The in-process executor: runs each attempt in this Node process by calling the shared attempt
 * function (src/runtime/attempt.ts). The default of `weir run`: no process start-up per task, and
 * handler modules are loaded once per run. A handler that blocks the event loop blocks the run;
 * use `--executor subprocess` for isolation.
 */
import type { Executor, ExecutorPlugin, IoPlugin, PluginEnv } from '../../types.ts'
import type { IoManagerLookup } from '../../../runtime/io-managers.ts'
import type { Pipeline } from '../../../spec/model.ts'
import { createIoRegistry } from '../../registry.ts'

export interface InProcessExecutorConfig {
  /** IoManager plugins that outputs are read and written with. @default the built-ins */
  readonly ioPlugins?: readonly IoPlugin<never>[]
  /** Handler modules must stay inside this folder. @default the spec's project (nearest package.json) */
  readonly projectRoot?: string
}

/** Creates an in-process executor. IoManagers are created per pipeline on first use. */
export function createInProcessExecutor(config: InProcessExecutorConfig, env: PluginEnv): Executor {
  // A type given twice is refused now, before the run starts, not at the first attempt.
  if (config.ioPlugins) createIoRegistry(config.ioPlugins)
  const lookups = new WeakMap<object, Promise<IoManagerLookup>>()
  const ioFor = (pipeline: Pipeline): Promise<IoManagerLookup> => {
    let lookup = lookups.get(pipeline)
    if (!lookup) {
      lookup = (async () => {
        const { createIoManagers } = await import('../../../runtime/io-managers.ts')
        const plugins = config.ioPlugins ?? (await import('../../builtins.ts')).builtinIo
        return createIoManagers(pipeline, plugins, env)
      })()
      lookups.set(pipeline, lookup)
    }
    return lookup
  }
  let attempt: Promise<typeof import('../../../runtime/attempt.ts')> | undefined
  return {
    async runAttempt(request) {
      attempt ??= import('../../../runtime/attempt.ts')
      const [{ runTaskAttempt }, ioManager] = await Promise.all([attempt, ioFor(request.pipeline)])
      return runTaskAttempt(request, { ioManager, ...(config.projectRoot !== undefined && { projectRoot: config.projectRoot }) })
    },
  }
}

/** The plugin descriptor (`--executor inprocess`). */
export const inprocessExecutor: ExecutorPlugin<InProcessExecutorConfig> = {
  type: 'inprocess',
  create: createInProcessExecutor,
}
