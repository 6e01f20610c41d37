/**
 * The dedicated entry of `weir execute` (bin/weir.js picks it when the first word is `execute`):
 * bundled into one file, so that the command every remote task and every `--executor subprocess`
 * attempt runs loads one module instead of a few dozen chunks. It behaves exactly as `weir execute`
 * through the main entry.
 */
import { runCli } from './run-cli.ts'
import { useJitiLoader } from '../runtime/typescript-importer.ts'
import { loadCachedJiti } from './cached-jiti.ts'
import { execute } from './commands/execute.ts'

/** Runs the command; `keptPlans`: the folder where it keeps the plan of a spec it validated (execute-plan-cache.ts). */
export function main(keptPlans?: string): void {
  useJitiLoader(loadCachedJiti)
  runCli(() => execute(process.argv.slice(3).filter((a) => a !== '--debug'), keptPlans))
}
