import type { Pipeline } from '../spec/model.ts'
import { planResume } from './plan-resume.ts'
import type { ResumePlan } from './plan-resume.ts'
import { loadRun } from './run-store/read-runs.ts'
import { WeirError } from './errors.ts'
import { REDACTED } from './params.ts'

/**
 * Loads run `runId` from the store and plans its resume; also returns the params it ran with
 * (those the pipeline still declares), which a resume runs with unless overridden.
 */
export async function planResumeFromStore(pipeline: Pipeline, stateDir: string, runId: string): Promise<{ plan: ResumePlan; params: Record<string, unknown> }> {
  const previous = await loadRun(stateDir, runId)
  if (!previous) throw new WeirError('RUN_NOT_FOUND', `No run '${runId}' in '${stateDir}'; 'weir runs' lists the runs there.`)
  // Secret params were never recorded (their value is REDACTED): the resume must be given them again.
  const params = Object.fromEntries(
    Object.entries(previous.params).filter(([name, value]) => Object.hasOwn(pipeline.params, name) && !(pipeline.params[name]!.secret && value === REDACTED)),
  )
  return { plan: planResume(pipeline, previous), params }
}
