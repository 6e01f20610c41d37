/**
 * The runtime's entry point for the CLI and other programs: run a pipeline, read the run store,
 * plan a resume. Loaded lazily by `weir run` / `weir runs`, so `spec validate` never pays for it.
 */
export { runPipeline, DEFAULT_CONCURRENCY } from './run-pipeline.ts'
export type { RunOptions, RunResult, RunEvent, TaskResult, TaskStatus, RunStatus, RunTrigger, SkipReason } from './api.ts'
export { parseParamArgs, resolveParams } from './params.ts'
export { planResume } from './plan-resume.ts'
export type { ResumePlan, ReusedTask } from './plan-resume.ts'
export { listRuns, loadRun, runDir, runsDir, summarizeRun } from './run-store/read-runs.ts'
export type { RunRecord, RunSummary, TaskRecord, AttemptRecord } from './run-store/records.ts'
export type { TaskLifecycleStatus } from '../spec/task-status.ts'
export { runTaskAttempt } from './attempt.ts'
export type { AttemptDeps, HandlerContext } from './attempt.ts'
export { createIoManagers } from './io-managers.ts'
export { NonRetryableError, WeirError, isNonRetryable, toErrorInfo } from './errors.ts'
export { shouldRetry, retryDelayMs } from './retry.ts'
export { planResumeFromStore } from './plan-resume-from-store.ts'
