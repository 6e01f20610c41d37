/**
 * `runPipeline`: runs a resolved pipeline locally and records it in the run store. The contract
 * (options, result, events) is in api.ts; the scheduling is in scheduler.ts and run-loop.ts.
 *
 * @example
 * const { pipeline } = await validateSpecFile('pipelines/daily_sales.yaml', { plugins: builtinCatalog() })
 * const result = await runPipeline(pipeline!, { params: { threshold: 1 }, onEvent: console.log })
 */
import { resolve } from 'node:path'
import type { Pipeline } from '../spec/model.ts'
import type { Executor, ExecutorEnv, Logger, PluginEnv } from '../plugins/types.ts'
import type { RunEvent, RunOptions, RunResult, TaskResult, TaskStatus } from './api.ts'
import { toErrorInfo } from './errors.ts'
import { indexPipeline } from './task-graph.ts'
import { runLoop } from './run-loop.ts'
import { redactParams, resolveParams } from './params.ts'
import { lockAndPlanResume } from './plan-resume-from-store.ts'
import { openRun } from './run-store/open-run.ts'
import type { StoreWriteFailure } from './run-store/open-run.ts'
import { listHashKey } from './run-store/state-keys.ts'
import { createNoHistoryWriter } from './run-store/no-history.ts'
import { runDir } from './run-store/read-runs.ts'
import type { RunSummary, TaskRecord } from './run-store/records.ts'
import type { TaskLifecycleStatus } from '../spec/task-status.ts'
import { createRunId } from './run-id.ts'
import { cleanResumedRun } from './clean-resumed-run.ts'
import { formatIso } from './format-iso.ts'
import { createExecutorHost } from './executor-host.ts'
import type { CacheSettings } from './cache/task-cache.ts'
import { createIoRegistry } from '../plugins/registry.ts'
import { createIoManagers } from './io-managers.ts'
import { countItemRecords } from './map/derive-status.ts'
import { activateMasker, maskingExecutor, secretMasker } from './secret-masker.ts'
import { thrownText } from '../spec/thrown-value.ts'

/** Most tasks running at once when the caller does not say. */
export const DEFAULT_CONCURRENCY = 4
/** How long cancelled attempts may take to stop. */
export const DEFAULT_CANCEL_GRACE_MS = 5000

/** Runs a pipeline to completion; rejects only for problems found before the run starts (params, resume). */
export async function runPipeline(pipeline: Pipeline, options: RunOptions = {}): Promise<RunResult> {
  // A plugin type given twice is refused before anything is recorded, not at the first attempt.
  if (options.ioPlugins) createIoRegistry(options.ioPlugins)
  const stateDir = resolve(options.stateDir ?? '.weir')
  const runId = options.runId ?? createRunId()
  const plan = options.resumeFrom !== undefined ? await lockAndPlanResume(pipeline, stateDir, options.resumeFrom, runId) : undefined
  try {
    return await runPlanned(pipeline, options, stateDir, runId, plan)
  } finally {
    await plan?.lock.release()
  }
}

async function runPlanned(pipeline: Pipeline, options: RunOptions, stateDir: string, runId: string, plan: Awaited<ReturnType<typeof lockAndPlanResume>> | undefined): Promise<RunResult> {
  const params = await resolveParams(pipeline, { ...plan?.params, ...options.params })
  const trigger = options.trigger ?? (plan ? 'resume' : 'manual')
  const startedAt = Date.now()
  const header = {
    runId,
    pipeline: pipeline.name,
    specHash: pipeline.specHash,
    sourcePath: pipeline.sourcePath,
    params: redactParams(pipeline, params),
    trigger,
    ...(options.scheduledAt !== undefined && { scheduledAt: options.scheduledAt }),
    ...(plan && { resumedFrom: plan.plan.resumedFrom }),
    tasks: pipeline.order,
    at: startedAt,
  }
  const writer = options.history === false ? createNoHistoryWriter(runDir(stateDir, runId)) : await openRun(stateDir, header)
  const log = writer.logs.logger('_weir', 0)
  const env: PluginEnv = { cwd: process.cwd(), stateDir, log }
  if (plan) for (const file of await cleanResumedRun(pipeline, plan.plan.resumedFrom, options.ioPlugins ?? [], env)) log.info(`removed '${file.path}' (${file.bytes} bytes), left by a process of run '${plan.plan.resumedFrom}' that died while writing it`)
  // One set of IoManagers for the run's attempts in process and what the run loop reads itself.
  let runIo: ReturnType<typeof createIoManagers> | undefined
  const ioManagers = (): ReturnType<typeof createIoManagers> => (runIo ??= createIoManagers(pipeline, options.ioPlugins ?? [], env))
  const { executor, owned } = createRunExecutor(options.executor, { ...env, host: createExecutorHost(options.ioPlugins ?? [], env, cacheSettingsOf(options.cache), { pipeline, ioManagers }) })
  // A secret param's value that a handler puts in its log or its error is masked (secret-masker.ts).
  const mask = secretMasker(pipeline, params)
  const deactivateMask = mask && activateMasker(mask)
  const emit = options.onEvent && safeListener(options.onEvent, log)
  emit?.({ type: 'run:start', runId, pipeline: pipeline.name, at: startedAt, tasks: pipeline.order, ...(plan && { resume: { from: plan.plan.resumedFrom, specChanged: plan.plan.specChanged } }) })
  // Said as it happens (the run loop stops the run): the run's end may be seconds away.
  writer.whenJournalFails((failure) => emit?.(storeErrorEvent(runId, failure)))
  let outcome
  try {
    outcome = await runLoop({
      pipeline,
      graph: indexPipeline(pipeline),
      runId,
      params,
      run: { trigger, ...(options.scheduledAt !== undefined && { scheduledAt: options.scheduledAt }) },
      executor: mask ? maskingExecutor(executor, mask) : executor,
      concurrency: options.concurrency ?? DEFAULT_CONCURRENCY,
      failFast: options.failFast ?? false,
      signal: options.signal,
      cancelGraceMs: options.cancelGraceMs ?? DEFAULT_CANCEL_GRACE_MS,
      random: options.random ?? Math.random,
      reuse: plan?.plan.reuse ?? new Map(),
      ...(plan && { reuseItems: plan.plan.reuseItems }),
      readOutput: storedOutputReader(ioManagers, env),
      // A run that keeps no history is never resumed: its secret lists need no lasting key.
      ...(options.history !== false && { listHashKey: () => listHashKey(stateDir) }),
      writer,
      emit,
    })
  } finally {
    if (owned) await executor.close?.()
    deactivateMask?.()
  }
  const finishedAt = Date.now()
  const summary: RunSummary = {
    runId,
    pipeline: pipeline.name,
    status: outcome.status,
    trigger,
    startedAt: new Date(startedAt).toISOString(),
    finishedAt: new Date(finishedAt).toISOString(),
    durationMs: finishedAt - startedAt,
    ...(options.scheduledAt !== undefined && { scheduledAt: options.scheduledAt }),
    ...(plan && { resumedFrom: plan.plan.resumedFrom }),
    specHash: pipeline.specHash,
    taskCounts: countStatuses(outcome.tasks),
  }
  const summaryFailure = await writer.finish(outcome.status, finishedAt, summary)
  if (summaryFailure) emit?.(storeErrorEvent(runId, summaryFailure))
  // A run whose journal lost records (its end record, at least) fails: its record is not whole.
  const status = writer.journalFailure ? 'failed' : outcome.status
  const result: RunResult = { runId, pipeline: pipeline.name, status, tasks: toTaskResults(pipeline.order, outcome.tasks) }
  emit?.({ type: 'run:finish', runId, result, at: finishedAt })
  return result
}

function storeErrorEvent(runId: string, failure: StoreWriteFailure): RunEvent {
  return { type: 'run:store-error', runId, file: failure.file, path: failure.path, error: toErrorInfo(failure.error, 'system', 'IO_ERROR'), at: Date.now() }
}

/**
 * The one place that picks a run's executor: the caller's own (used as is; the caller closes it), one
 * created from the caller's plugin with this run's env (closed with the run), or by default the
 * runtime's own: each attempt in this process.
 */
function createRunExecutor(choice: RunOptions['executor'], env: ExecutorEnv): { executor: Executor; owned: boolean } {
  if (choice === undefined) return { executor: { runAttempt: (request) => env.host.runInProcess(request) }, owned: false }
  if ('create' in choice) return { executor: choice.create({} as never, env), owned: true }
  return { executor: choice, owned: false }
}

/** A listener that throws must not break the run; its error goes to the run's own log. */
function safeListener<E>(listener: (event: E) => void, log: Logger): (event: E) => void {
  return (event) => {
    try {
      listener(event)
    } catch (error) {
      log.error(`an onEvent listener threw: ${thrownText(error)}`)
    }
  }
}

function toTaskResults(order: readonly string[], tasks: readonly TaskRecord[]): Record<string, TaskResult> {
  // Plain assignments, not spreads: this runs once per task and shows in the 100k-task benchmark.
  const out: Record<string, TaskResult> = {}
  for (let i = 0; i < order.length; i++) {
    const t = tasks[i]!
    // The usual task (it ran, and has no error, values, cache or items) in one literal: adding its
    // times one by one to a two-field object gave each result a second allocation for them.
    if (t.startedAt !== undefined && t.finishedAt !== undefined && !t.cachedFrom && !t.error && !t.skipReason && !t.values && !t.items) {
      const status = finalStatus(t)
      const attempts = t.attempts.length
      const startedAt = formatIso(t.startedAt)
      const finishedAt = formatIso(t.finishedAt)
      const durationMs = t.finishedAt - t.startedAt
      out[order[i]!] = t.output ? { status, attempts, output: t.output.uri, startedAt, finishedAt, durationMs } : { status, attempts, startedAt, finishedAt, durationMs }
      continue
    }
    const r: { -readonly [K in keyof TaskResult]: TaskResult[K] } = { status: finalStatus(t), attempts: t.attempts.length }
    if (t.output) r.output = t.output.uri
    if (t.cachedFrom) r.cachedFrom = t.cachedFrom
    if (t.error) r.error = t.error
    if (t.skipReason) r.skipReason = t.skipReason
    if (t.values && hasKeys(t.values)) r.values = t.values
    if (t.startedAt !== undefined) r.startedAt = formatIso(t.startedAt)
    if (t.finishedAt !== undefined) r.finishedAt = formatIso(t.finishedAt)
    if (t.startedAt !== undefined && t.finishedAt !== undefined) r.durationMs = t.finishedAt - t.startedAt
    if (t.items) r.items = countItemRecords(t.items)
    out[order[i]!] = r
  }
  return out
}

function hasKeys(o: object): boolean {
  for (const _ in o) return true
  return false
}

/** A task the loop left unfinished (a bug) is reported cancelled, as the scheduler would have. */
function finalStatus(t: TaskRecord): TaskStatus {
  return t.status === 'pending' || t.status === 'running' || t.status === 'interrupted' ? 'cancelled' : t.status
}

function countStatuses(tasks: readonly TaskRecord[]): Partial<Record<TaskLifecycleStatus, number>> {
  const counts: Partial<Record<TaskLifecycleStatus, number>> = {}
  for (const t of tasks) {
    const s = finalStatus(t)
    counts[s] = (counts[s] ?? 0) + 1
  }
  return counts
}

/**
 * How the run loop reads a stored output itself (a mapped task's list, an item of a map → map):
 * through the producer's IoManager, created on first use (a run without mapped tasks creates none).
 */
function storedOutputReader(ioManagers: () => ReturnType<typeof createIoManagers>, env: PluginEnv): NonNullable<Parameters<typeof runLoop>[0]['readOutput']> {
  return (ref, producer, signal) => ioManagers()(producer.io).read(ref, { signal, log: env.log, output: producer.output })
}

function cacheSettingsOf(cache: RunOptions['cache']): CacheSettings {
  return { ...(cache?.disabled && { disabled: true }), ...(cache?.refresh && cache.refresh.length > 0 && { refresh: new Set(cache.refresh) }) }
}
