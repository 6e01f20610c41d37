/**
 * dist/cli/execute.cjs, the entry bin/weir.js loads for `weir execute`: it picks one of two bundles
 * (scripts/build.mjs). A process the subprocess executor started with its run's spec plan runs the
 * plan bundle (execute-plan-main.ts), a fraction of the full one, since the parent already
 * validated the spec; so does a process whose spec has a plan that `weir execute` kept
 * (execute-plan-cache.ts). Anything else (an engine's first task of a spec, no plan) runs the full
 * bundle (execute-main.ts), and so does a plan process whose plan cannot serve.
 */
import { existsSync } from 'node:fs'
import { SPEC_HASH_ENV, SPEC_PLAN_ENV } from '../runtime/execute/contract.ts'
import { cachedPlanPath, planFolderOf, specArgument } from './execute-plan-cache.ts'
import { runCachedBundle } from './run-cached-bundle.ts'

export function startExecute(entryFile: string, fullBundle: string, planBundle: string): void {
  const keptPlans = planFolderOf(planBundle)
  const runFull = () => (runCachedBundle(entryFile, fullBundle) as { main(keptPlans: string): void }).main(keptPlans)
  const runPlanned = (plans?: string) => (runCachedBundle(entryFile, planBundle) as { main(handOver: () => void, keptPlans?: string): void }).main(runFull, plans)
  if (process.env[SPEC_HASH_ENV]) {
    if (process.env[SPEC_PLAN_ENV]) runPlanned()
    else runFull()
    return
  }
  const spec = specArgument(process.argv.slice(3))
  if (spec !== undefined && existsSync(cachedPlanPath(keptPlans, spec))) runPlanned(keptPlans)
  else runFull()
}
