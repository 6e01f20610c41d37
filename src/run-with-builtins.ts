/**
 * The public `runPipeline` (and `weir run` / `weir schedule`'s): the runtime's, with the built-in
 * IoManagers when the caller names none. The runtime itself knows no concrete plugin and takes them
 * as an argument, as `validateSpec` takes the plugin catalog (STYLE.md: the CLI passes the built-ins in).
 */
import type { Pipeline } from './spec/model.ts'
import type { RunOptions, RunResult } from './runtime/api.ts'
import { runPipeline as runWithPlugins } from './runtime/run-pipeline.ts'
// builtin-io.ts, not builtins.ts: a run needs the IoManagers, not the target generators builtins.ts also lists.
import { builtinIo } from './plugins/builtin-io.ts'

/**
 * Runs a pipeline to completion (options and events: `RunOptions`, `RunEvent`), with the built-in
 * IoManagers (`fs`, `memory`, `gcs`) unless `options.ioPlugins` lists others.
 * @example
 * const { pipeline } = await validateSpecFile('pipelines/daily_sales.yaml', { plugins: catalogOf(builtinIo, builtinTargets) })
 * const result = await runPipeline(pipeline!, { params: { threshold: 1 }, onEvent: console.log })
 */
export function runPipeline(pipeline: Pipeline, options: RunOptions = {}): Promise<RunResult> {
  return runWithPlugins(pipeline, { ...options, ioPlugins: options.ioPlugins ?? builtinIo })
}
