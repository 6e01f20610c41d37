/**
 * The dedicated entry of `weir run` (bin/weir.js picks it when the first word is `run`): built on its
 * own as one CommonJS file that starts from a V8 code cache (run-cached-bundle.ts,
 * scripts/build-cached-entry.mjs), where the main entry's ES module chunks were compiled afresh by
 * every run (a run of one task: ~86 → ~50 ms). It behaves exactly as `weir run` through the main entry.
 */
import { runCli } from './run-cli.ts'
import { useJitiLoader } from '../runtime/typescript-importer.ts'
import { loadCachedJiti } from './cached-jiti.ts'
import { run } from './commands/run.ts'

useJitiLoader(loadCachedJiti)
runCli(() => run(process.argv.slice(3).filter((a) => a !== '--debug')))
