/**
 * `weir execute`: the remote entry point. Runs exactly one attempt of one task in this process (what
 * every Databricks/Argo task and every `--executor subprocess` attempt runs; execute-attempt.ts).
 * The contract (files, exit codes) is in src/runtime/execute/contract.ts and docs/remote.md.
 */
import { CliError } from '../errors.ts'
import type { Pipeline } from '../../spec/model.ts'
import { SPEC_HASH_ENV, SPEC_PLAN_ENV } from '../../runtime/execute/contract.ts'
import { executeAttempt, specChanged } from '../execute-attempt.ts'

/** `keptPlans`: where to keep the plan of a spec validated in full (the dedicated entry's folder, execute-plan-cache.ts). */
export function execute(args: string[], keptPlans?: string): Promise<number> {
  return executeAttempt(args, (spec) => loadPipeline(spec, keptPlans))
}

/**
 * The spec's Pipeline. A run that starts this process (the subprocess executor) passes the sha256 of
 * the spec text it validated: while the file holds that text it is only parsed, not checked again,
 * and with the run's spec plan (WEIR_SPEC_PLAN, spec/spec-plan.ts) not even parsed. A spec changed
 * since the run started is refused: the run planned its tasks, their inputs and their order from
 * the text it validated, and a task of another spec could read or write what that run does not
 * expect (a new run, or `--resume`, validates the new text). Without the variable (an
 * engine's task) the spec is validated in full. Handlers are checked when the task loads its own
 * (load-handler.ts, at that moment, with an error.json): a handler of another task does not stop
 * this one, and both executors agree (#15).
 */
async function loadPipeline(spec: string, keptPlans: string | undefined): Promise<Pipeline> {
  const validatedHash = process.env[SPEC_HASH_ENV]
  const planPath = process.env[SPEC_PLAN_ENV] || undefined
  // Not inherited by the handler's own child processes.
  delete process.env[SPEC_HASH_ENV]
  delete process.env[SPEC_PLAN_ENV]
  if (validatedHash) {
    const { loadValidatedSpecFile } = await import('../../spec/validated-spec.ts')
    const found = await loadValidatedSpecFile(spec, validatedHash, planPath)
    if (found?.pipeline) return found.pipeline
    if (found?.changed) throw specChanged(spec, validatedHash, found.hash)
  }
  const [{ validateSpecFile }, { hasErrors }, { builtinCatalog }] = await Promise.all([import('../../spec/validate.ts'), import('../../spec/diagnostics.ts'), import('../../plugins/catalog.ts')])
  const { pipeline, diagnostics, source } = await validateSpecFile(spec, { plugins: builtinCatalog(), checkHandlers: false })
  if (!pipeline || hasErrors(diagnostics)) {
    const first = diagnostics.find((d) => d.severity === 'error')
    throw new CliError(`execute: ${spec}${first ? `:${first.line}:${first.column}: ${first.code}: ${first.message}` : ' is invalid'} (run 'weir spec validate ${spec}').`)
  }
  // The file was read again: it may have changed since the check of its hash.
  if (validatedHash && pipeline.specHash !== validatedHash) throw specChanged(spec, validatedHash, pipeline.specHash)
  if (keptPlans !== undefined && !validatedHash && source) (await import('../execute-plan-cache.ts')).keepPlan(keptPlans, spec, source.text, source.data)
  return pipeline
}
