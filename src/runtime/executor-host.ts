/**
 * The runtime's side of an attempt, handed to every executor as `ExecutorEnv.host` (one per run),
 * so executors never import the runtime: `runInProcess` is the shared attempt function with the
 * run's IoManagers bound (created once per pipeline); `prepareRemote` is the parent's side of the
 * `weir execute` protocol. Both load their implementation on first use.
 */
import type { ExecutorHost, IoPlugin, PluginEnv } from '../plugins/types.ts'
import type { Pipeline } from '../spec/model.ts'
import type { IoManagerLookup } from './io-managers.ts'
import type { CacheSettings, TaskCache } from './cache/task-cache.ts'
import type { AttemptDeps } from './attempt.ts'
import { findProjectRoot } from '../spec/project-root.ts'

/** Creates the host of one run, given the IoManager plugins its tasks read and write with. */
export function createExecutorHost(ioPlugins: readonly IoPlugin<never>[], env: PluginEnv, cache: CacheSettings = {}): ExecutorHost {
  const lookups = new WeakMap<Pipeline, IoManagerLookup>()
  const caches = new WeakMap<Pipeline, TaskCache>()
  type Modules = [typeof import('./attempt.ts'), typeof import('./io-managers.ts'), typeof import('./cache/task-cache.ts')]
  let attempt: Promise<Modules> | undefined
  // Once imported, the modules and the last pipeline's deps are read without an await or a lookup:
  // this runs once per attempt.
  let modules: Modules | undefined
  let last: { readonly pipeline: Pipeline; readonly deps: AttemptDeps } | undefined
  let remote: Promise<typeof import('./execute/prepare-remote.ts')> | undefined
  return {
    async runInProcess(request) {
      const [{ runTaskAttempt }, { createIoManagers }, { createTaskCache }] = (modules ??= await (attempt ??= Promise.all([import('./attempt.ts'), import('./io-managers.ts'), import('./cache/task-cache.ts')])))
      if (last?.pipeline === request.pipeline) return runTaskAttempt(request, last.deps)
      let ioManager = lookups.get(request.pipeline)
      if (!ioManager) lookups.set(request.pipeline, (ioManager = createIoManagers(request.pipeline, ioPlugins, env)))
      // One cache per pipeline per run: each handler module is hashed once.
      let taskCache = caches.get(request.pipeline)
      if (!taskCache) caches.set(request.pipeline, (taskCache = createTaskCache({ ioManager, projectRoot: findProjectRoot(request.pipeline.sourcePath), settings: cache })))
      last = { pipeline: request.pipeline, deps: { ioManager, cache: taskCache } }
      return runTaskAttempt(request, last.deps)
    },
    async prepareRemote(request) {
      const { prepareRemoteAttempt } = await (remote ??= import('./execute/prepare-remote.ts'))
      return prepareRemoteAttempt(request, { ...env, ioPlugins, cache })
    },
  }
}

