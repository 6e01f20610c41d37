/**
 * The dedicated entry of `weir run` (bin/weir.js picks it when the first word is `run`): one
 * CommonJS bundle started with a V8 code cache, as `weir execute` and `weir spec validate` are
 * (run-cached-bundle.ts, scripts/build-cached-entry.mjs), so that a run compiles and resolves one
 * file instead of some forty modules. It behaves exactly as `weir run` through the main entry.
 */
import { runCli } from './run-cli.ts'
import { run } from './commands/run.ts'

runCli(() => run(process.argv.slice(3).filter((a) => a !== '--debug')))
