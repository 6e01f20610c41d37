/**
 * The runtime's side of an attempt, handed to every executor as `ExecutorEnv.host` (one per run),
 * so executors never import the runtime: `runInProcess` is the shared attempt function with the
 * run's IoManagers bound (created once per pipeline); `prepareRemote` is the parent's side of the
 * `weir execute` protocol. Both load their implementation on first use. A host is one run's, and
 * so are its handler checks (load-handler.ts: a link-free module is checked once per run).
 */
import type { ExecutorHost, IoPlugin, PluginEnv } from '../plugins/types.ts'
import type { Pipeline } from '../spec/model.ts'
import type { IoManagerLookup } from './io-managers.ts'
import type { CacheSettings, TaskCache } from './cache/task-cache.ts'
import type { AttemptDeps } from './attempt.ts'
import type { HandlerChecks } from './load-handler.ts'
import { findProjectRoot } from '../spec/project-root.ts'
import { watchInProcessAttempt } from './blocked-loop-watchdog.ts'

type AttemptModules = [typeof import('./attempt.ts'), typeof import('./io-managers.ts'), typeof import('./cache/task-cache.ts'), typeof import('./load-handler.ts'), typeof import('./cache/secret-hash.ts')]

// The attempt modules are imported once per process, not once per run: a dynamic import is a
// resolve and at least one turn of the event loop even for a module already loaded, and it was a
// good part of a short run's fixed cost. Once imported, they are read without an await.
let importing: Promise<AttemptModules> | undefined
let imported: AttemptModules | undefined

function attemptModules(): Promise<AttemptModules> {
  importing ??= Promise.all([import('./attempt.ts'), import('./io-managers.ts'), import('./cache/task-cache.ts'), import('./load-handler.ts'), import('./cache/secret-hash.ts')]).then((modules) => (imported = modules))
  return importing
}

/**
 * Creates the host of one run, given the IoManager plugins its tasks read and write with. `run`:
 * the run's own IoManagers of its pipeline, shared with what the run loop reads itself (a map's items
 * of a mapped upstream): a `memory` IoManager's outputs live in its instance.
 */
export function createExecutorHost(
  ioPlugins: readonly IoPlugin<never>[],
  env: PluginEnv,
  cache: CacheSettings = {},
  run?: { readonly pipeline: Pipeline; readonly ioManagers: () => IoManagerLookup },
): ExecutorHost {
  const lookups = new WeakMap<Pipeline, IoManagerLookup>()
  const caches = new WeakMap<Pipeline, TaskCache>()
  // The last pipeline's deps are read without a lookup: this runs once per attempt.
  let last: { readonly pipeline: Pipeline; readonly deps: AttemptDeps } | undefined
  let remote: Promise<typeof import('./execute/prepare-remote.ts')> | undefined

  // The host is the run's, so its handler checks are too: made with the first deps, shared by all.
  let handlerChecks: HandlerChecks | undefined

  function depsOf(pipeline: Pipeline, [, { createIoManagers }, { createTaskCache }, { HandlerChecks }, { createSecretHasher }]: AttemptModules): AttemptDeps {
    let ioManager = lookups.get(pipeline)
    if (!ioManager) lookups.set(pipeline, (ioManager = run?.pipeline === pipeline ? run.ioManagers() : createIoManagers(pipeline, ioPlugins, env)))
    // One cache per pipeline per run: each handler module is hashed once. Created at the first
    // task that asks the cache (finding the project root walks the file system): a run without
    // cached tasks never pays for it.
    let taskCache = caches.get(pipeline)
    if (!taskCache) {
      let real: TaskCache | undefined
      const made = (): TaskCache => (real ??= createTaskCache({ ioManager, projectRoot: findProjectRoot(pipeline.sourcePath), settings: cache, secrets: createSecretHasher(env.stateDir) }))
      caches.set(pipeline, (taskCache = { check: (request) => made().check(request), fill: (request, miss, result) => made().fill(request, miss, result) }))
    }
    last = { pipeline, deps: { ioManager, cache: taskCache, handlerChecks: (handlerChecks ??= new HandlerChecks()) } }
    return last.deps
  }

  async function runLater(request: Parameters<ExecutorHost['runInProcess']>[0]): ReturnType<ExecutorHost['runInProcess']> {
    const modules = await attemptModules()
    return modules[0].runTaskAttempt(request, depsOf(request.pipeline, modules))
  }

  // Not async: once the modules are in, the attempt's own promise is returned as is (an async
  // wrapper cost a promise and a turn of the microtask queue per attempt).
  function runNow(request: Parameters<ExecutorHost['runInProcess']>[0]): ReturnType<ExecutorHost['runInProcess']> {
    if (imported === undefined) return runLater(request)
    let deps = last?.pipeline === request.pipeline ? last.deps : undefined
    try {
      deps ??= depsOf(request.pipeline, imported)
    } catch (error) {
      return Promise.reject(error as Error)
    }
    return imported[0].runTaskAttempt(request, deps)
  }

  return {
    // An attempt with a timeout is watched for a handler that blocks the loop (blocked-loop-watchdog.ts).
    runInProcess(request) {
      const watched = watchInProcessAttempt(request)
      const running = runNow(request)
      if (watched !== undefined) running.then(watched, watched)
      return running
    },
    async prepareRemote(request) {
      const { prepareRemoteAttempt } = await (remote ??= import('./execute/prepare-remote.ts'))
      return prepareRemoteAttempt(request, { ...env, ioPlugins, cache })
    },
  }
}
