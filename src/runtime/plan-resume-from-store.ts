import { existsSync } from 'node:fs'
import type { Pipeline } from '../spec/model.ts'
import { planResume } from './plan-resume.ts'
import type { ResumePlan } from './plan-resume.ts'
import { isProcessAlive, isRunId, loadRun, runDir } from './run-store/read-runs.ts'
import { liveRunProcesses } from './run-store/run-processes.ts'
import { lockResume } from './run-store/resume-lock.ts'
import type { ResumeLock, ResumeLockHolder } from './run-store/resume-lock.ts'
import { WeirError } from './errors.ts'
import { UnrecordedSecret, isSecretParam } from './params.ts'
import { hasRedaction } from './redact-secrets.ts'
import type { RunRecord } from './run-store/records.ts'

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
  return { plan: planResume(pipeline, await recordsToPlanFrom(stateDir, previous)), params }
}

/**
 * The run whose task records a resume of `run` plans from: `run` itself, unless it is a resume
 * that did nothing at all, not even record what it reused (killed between its header and its
 * reuse records: every task pending). Its tasks' outcomes are then those of the run it resumed,
 * which it would have reused: planning from its own records ran again every task that run had
 * finished. Followed up the chain of such resumes.
 */
async function recordsToPlanFrom(stateDir: string, run: RunRecord): Promise<RunRecord> {
  let current = run
  for (let hops = 0; hops < MAX_EMPTY_RESUMES && current.resumedFrom !== undefined && didNothing(current); hops++) {
    const resumed = await loadRun(stateDir, current.resumedFrom)
    if (!resumed || resumed.pipeline !== run.pipeline) break
    current = resumed
  }
  return current
}

/** Resumes of resumes that did nothing, followed at most. */
const MAX_EMPTY_RESUMES = 50

function didNothing(run: RunRecord): boolean {
  return Object.values(run.tasks).every((task) => task.status === 'pending' && task.attempts.length === 0 && task.reusedFrom === undefined)
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
  // An unknown run has no folder to lock: the planner refuses it (RUN_NOT_FOUND).
  if (!isRunId(runId) || !existsSync(runDir(stateDir, runId))) await planResumeFromStore(pipeline, stateDir, runId)
  const lock = await lockResume(runDir(stateDir, runId), resumingRunId, runId, (holder) => isResumeAlive(stateDir, holder))
  try {
    // Read and planned once, under the lock, so a resume that ended meanwhile is seen; other
    // pipelines' runs and live runs are refused here, and the lock is released.
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
