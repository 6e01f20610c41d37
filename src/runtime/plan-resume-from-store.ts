import type { Pipeline } from '../spec/model.ts'
import { planResume } from './plan-resume.ts'
import type { ResumePlan } from './plan-resume.ts'
import { isProcessAlive, isRunId, loadRun, runDir } from './run-store/read-runs.ts'
import { liveRunProcesses } from './run-store/run-processes.ts'
import { lockResume } from './run-store/resume-lock.ts'
import type { ResumeLock, ResumeLockHolder } from './run-store/resume-lock.ts'
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

/**
 * Plans the resume of run `runId` by run `resumingRunId` and takes the run's resume lock, so that
 * a second resume of the same run started meanwhile is refused (RESUME_MISMATCH) instead of
 * running the same tasks again. The caller releases the lock when its run ends.
 */
export async function lockAndPlanResume(
  pipeline: Pipeline,
  stateDir: string,
  runId: string,
  resumingRunId: string,
): Promise<{ plan: ResumePlan; params: Record<string, unknown>; lock: ResumeLock }> {
  // Unknown runs, other pipelines and live runs are refused before any lock is taken.
  await planResumeFromStore(pipeline, stateDir, runId)
  const lock = await lockResume(runDir(stateDir, runId), resumingRunId, runId, (holder) => isResumeAlive(stateDir, holder))
  try {
    // Planned again under the lock: a resume that ended meanwhile changed what is left to do.
    return { ...(await planResumeFromStore(pipeline, stateDir, runId)), lock }
  } catch (error) {
    await lock.release()
    throw error
  }
}

/** A resume lives on in its task processes after its own process died. */
async function isResumeAlive(stateDir: string, holder: ResumeLockHolder): Promise<boolean> {
  if (isProcessAlive(holder.pid, holder.host)) return true
  return isRunId(holder.runId) && (await liveRunProcesses(runDir(stateDir, holder.runId))).length > 0
}
