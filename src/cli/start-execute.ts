/**
 * dist/cli/execute.cjs, the entry bin/weir.js loads for `weir execute`: it picks one of two bundles
 * (scripts/build.mjs). A process the subprocess executor started with its run's spec plan runs the
 * plan bundle (execute-plan-main.ts), a fraction of the full one, since the parent already
 * validated the spec; anything else (an engine's task, no plan) runs the full bundle
 * (execute-main.ts), and so does a plan process whose plan cannot serve.
 */
import { SPEC_HASH_ENV, SPEC_PLAN_ENV } from '../runtime/execute/contract.ts'
import { runCachedBundle } from './run-cached-bundle.ts'

export function startExecute(entryFile: string, fullBundle: string, planBundle: string): void {
  if (!process.env[SPEC_HASH_ENV] || !process.env[SPEC_PLAN_ENV]) {
    runCachedBundle(entryFile, fullBundle)
    return
  }
  const planned = runCachedBundle(entryFile, planBundle) as { main(handOver: () => void): void }
  planned.main(() => runCachedBundle(entryFile, fullBundle))
}
