/**
 * The runtime's side of an attempt, handed to every executor as `ExecutorEnv.host` (one per run),
 * so executors never import the runtime: `runInProcess` is the shared attempt function with the
 * run's IoManagers bound (created once per pipeline); `prepareRemote` is the parent's side of the
 * `weir execute` protocol. Both load their implementation on first use.
 */
import type { ExecutorHost, IoPlugin, PluginEnv } from '../plugins/types.ts'
import type { Pipeline } from '../spec/model.ts'
import type { IoManagerLookup } from './io-managers.ts'

/** Creates the host of one run, given the IoManager plugins its tasks read and write with. */
export function createExecutorHost(ioPlugins: readonly IoPlugin<never>[], env: PluginEnv): ExecutorHost {
  const lookups = new WeakMap<Pipeline, IoManagerLookup>()
  let attempt: Promise<[typeof import('./attempt.ts'), typeof import('./io-managers.ts')]> | undefined
  let remote: Promise<typeof import('./execute/prepare-remote.ts')> | undefined
  return {
    async runInProcess(request) {
      const [{ runTaskAttempt }, { createIoManagers }] = await (attempt ??= Promise.all([import('./attempt.ts'), import('./io-managers.ts')]))
      let ioManager = lookups.get(request.pipeline)
      if (!ioManager) lookups.set(request.pipeline, (ioManager = createIoManagers(request.pipeline, ioPlugins, env)))
      return runTaskAttempt(request, { ioManager })
    },
    async prepareRemote(request) {
      const { prepareRemoteAttempt } = await (remote ??= import('./execute/prepare-remote.ts'))
      return prepareRemoteAttempt(request, { ...env, ioPlugins })
    },
  }
}

