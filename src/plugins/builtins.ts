/**
 * The built-in plugins. Each descriptor is light (type, config schema, a `create` that imports its
 * implementation on first use), so listing them costs nothing at CLI start. They are plain lists, as
 * a third-party package exports them, and register the same way: through the registries of
 * registry.ts (`builtinCatalog`, `createIoManagers`), which refuse a type given twice.
 */
import type { ExecutorPlugin, TargetPlugin } from './types.ts'
import { builtinIo } from './builtin-io.ts'
import { databricksTarget } from './targets/databricks/index.ts'
import { argoTarget } from './targets/argo/index.ts'
import { inprocessExecutor } from './executors/inprocess/index.ts'
import { subprocessExecutor } from './executors/subprocess/index.ts'

export { builtinIo }

export const builtinTargets: readonly TargetPlugin<never>[] = [databricksTarget, argoTarget] as readonly TargetPlugin<never>[]

/** Executors by their `--executor` name. The in-process one is the default of `weir run`. */
export const builtinExecutors: readonly ExecutorPlugin<never>[] = [inprocessExecutor, subprocessExecutor] as readonly ExecutorPlugin<never>[]
