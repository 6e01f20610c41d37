import type { Pipeline } from '../spec/model.ts'
import { planResume } from './plan-resume.ts'
import type { ResumePlan } from './plan-resume.ts'
import { loadRun } from './run-store/read-runs.ts'
import { WeirError } from './errors.ts'
import { UnrecordedSecret, isSecretParam } from './params.ts'
import { hasRedaction } from './redact-secrets.ts'

/**
 * Loads run `runId` from the store and plans its resume; also returns the params it ran with
 * (an `UnrecordedSecret` for each value whose secret part the store did not record)
 * (those the pipeline still declares), which a resume runs with unless overridden.
 */
export async function planResumeFromStore(pipeline: Pipeline, stateDir: string, runId: string): Promise<{ plan: ResumePlan; params: Record<string, unknown> }> {
  const previous = await loadRun(stateDir, runId)
  if (!previous) throw new WeirError('RUN_NOT_FOUND', `No run '${runId}' in '${stateDir}'; 'weir runs' lists the runs there.`)
  // A value recorded with a secret part redacted cannot be reused: the resume must be given it again.
  const params: Record<string, unknown> = Object.create(null) as Record<string, unknown>
  for (const [name, value] of Object.entries(previous.params)) {
    if (!Object.hasOwn(pipeline.params, name)) continue
    params[name] = isSecretParam(pipeline, pipeline.params[name]!) && hasRedaction(value) ? new UnrecordedSecret(runId) : value
  }
  return { plan: planResume(pipeline, previous), params }
}
