/**
 * The plan entry of `weir execute`: what dist/cli/execute.cjs runs for a process the subprocess
 * executor started with its run's spec plan (WEIR_SPEC_PLAN beside WEIR_SPEC_SHA256, see
 * start-execute.ts). The parent validated the spec and wrote its data as JSON; this entry reads that
 * plan, and is bundled without what it never needs then (the YAML parsers, the schema validator, the
 * spec rules: scripts/build.mjs refuses a bundle that has them), so that it starts from a fraction
 * of the code. The spec file is still read, and must hold exactly the plan's text: a spec changed
 * since the run started is refused, as by the full entry (spec/planned-spec.ts). When the plan
 * cannot serve (missing, broken, of another text), it hands the command over to the full entry,
 * which does what it always did.
 *
 * It also reads the plans `weir execute` keeps for itself (execute-plan-cache.ts), when the entry
 * found one for the spec: an engine's task, run on a machine where a task of the same spec text ran
 * before.
 */
import { SPEC_HASH_ENV, SPEC_PLAN_ENV } from '../runtime/execute/contract.ts'
import { loadPlannedSpecFile } from '../spec/planned-spec.ts'
import type { Pipeline } from '../spec/model.ts'
import { executeAttempt, specChanged } from './execute-attempt.ts'
import { runCli } from './run-cli.ts'
import { useJitiLoader } from '../runtime/typescript-importer.ts'
import { loadCachedJiti } from './cached-jiti.ts'
import { cachedPlanPath } from './execute-plan-cache.ts'

/** Thrown by the loader when the plan cannot serve: the full entry takes the command over. */
class PlanNotUsable extends Error {}

/**
 * Runs `weir execute` from the plan; `handOver` starts the full entry, with the environment as this
 * process got it. `keptPlans`: the folder of the plans `weir execute` keeps, read when the run gave
 * this process no plan.
 */
export function main(handOver: () => void, keptPlans?: string): void {
  useJitiLoader(loadCachedJiti)
  runCli(() =>
    executeAttempt(
      process.argv.slice(3).filter((a) => a !== '--debug'),
      (spec) => (process.env[SPEC_HASH_ENV] || keptPlans === undefined ? loadPlannedPipeline(spec) : loadKeptPlan(spec, keptPlans)),
    ).catch((error: unknown) => {
      if (!(error instanceof PlanNotUsable)) throw error
      handOver()
      // The full entry sets the exit code: this command's promise never settles.
      return new Promise<number>(() => {})
    }),
  )
}

async function loadPlannedPipeline(spec: string): Promise<Pipeline> {
  const validatedHash = process.env[SPEC_HASH_ENV]
  const planPath = process.env[SPEC_PLAN_ENV]
  if (!validatedHash || !planPath) throw new PlanNotUsable()
  const found = await loadPlannedSpecFile(spec, validatedHash, planPath)
  if (found?.changed) throw specChanged(spec, validatedHash, found.hash)
  if (!found) throw new PlanNotUsable()
  // Not inherited by the handler's own child processes (the full entry, handed over, needs them).
  delete process.env[SPEC_HASH_ENV]
  delete process.env[SPEC_PLAN_ENV]
  return found.pipeline
}

/** The Pipeline from the plan `weir execute` kept of the spec at `spec`, if it is the plan of the text the file holds now. */
async function loadKeptPlan(spec: string, folder: string): Promise<Pipeline> {
  const found = await loadPlannedSpecFile(spec, undefined, cachedPlanPath(folder, spec))
  if (!found?.pipeline) throw new PlanNotUsable()
  delete process.env[SPEC_PLAN_ENV] // a stray one (without its hash), as the full entry drops it
  return found.pipeline
}
