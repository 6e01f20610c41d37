/**
 * The running part of a run: starts what the scheduler says may start, runs attempts through the
 * executor with per-attempt timeouts, retries failed attempts after their backoff, and cancels.
 * Every state change goes to the journal (batched) and to the event listener; a success is in the
 * journal file before any task downstream of it starts or the listener hears of it.
 *
 * Timeouts and cancellation never wait on a handler: an attempt that outlives its timeout, or its
 * grace period after a cancel, is recorded as failed or cancelled on time while the stray promise
 * is left to settle on its own.
 */
import type { AttemptOutcome, AttemptRequest, ErrorInfo, Executor } from '../plugins/types.ts'
import type { Pipeline, Task } from '../spec/model.ts'
import type { RunEvent, RunStatus, TaskStatus } from './api.ts'
import type { TaskGraph } from './task-graph.ts'
import type { RunWriter } from './run-store/open-run.ts'
import type { TaskProgress } from './run-store/records.ts'
import type { ReusedTask } from './plan-resume.ts'
import { createScheduler, STATE } from './scheduler.ts'
import type { StateCode } from './scheduler.ts'
import { retryDelayMs, shouldRetry } from './retry.ts'
import { createRetrySleeps } from './retry-sleep.ts'
import { createStartPacer } from './start-pacer.ts'
import { upstreamOutputsOf, upstreamValuesOf } from './upstream-of.ts'
import { toErrorInfo } from './errors.ts'
import { armAttemptTimeout } from './attempt-timeout.ts'

export interface RunLoopInput {
  readonly pipeline: Pipeline
  readonly graph: TaskGraph
  readonly runId: string
  readonly params: Readonly<Record<string, unknown>>
  readonly run: AttemptRequest['run']
  readonly executor: Executor
  readonly concurrency: number
  readonly failFast: boolean
  readonly signal: AbortSignal | undefined
  readonly cancelGraceMs: number
  readonly random: () => number
  readonly reuse: ReadonlyMap<string, ReusedTask>
  readonly writer: RunWriter
  readonly emit: ((event: RunEvent) => void) | undefined
}

/** What the loop knows of one task: the store's `TaskProgress`, with a count of attempts. */
export interface TaskOutcome extends TaskProgress {
  status?: TaskStatus
  attempts: number
}

export interface RunLoopResult {
  readonly status: Exclude<RunStatus, 'running' | 'interrupted'>
  readonly tasks: readonly TaskOutcome[]
}

/** Task starts between two turns of the event loop, at most (see start-pacer.ts). */
const YIELD_EVERY = 256

function hasKeys(o: object): boolean {
  for (const _ in o) return true
  return false
}

interface ActiveAttempt {
  giveUp(): void
}

/** Runs every task of the graph to a final status. */
export function runLoop(input: RunLoopInput): Promise<RunLoopResult> {
  const { pipeline, graph, runId, writer, emit, executor } = input
  const n = graph.ids.length
  const tasks: TaskOutcome[] = Array.from({ length: n }, () => ({ attempts: 0 }))
  // Looked up when a task starts: skipped and reused tasks never need their Task.
  const taskById: (Task | undefined)[] = new Array(n)
  const runController = new AbortController()
  const active = new Set<ActiveAttempt>()
  const retrySleeps = createRetrySleeps()
  const pacer = createStartPacer(YIELD_EVERY)
  let cancelling = false
  let anyFailed = false
  let graceTimer: ReturnType<typeof setTimeout> | undefined

  return new Promise<RunLoopResult>((resolveRun) => {
    const scheduler = createScheduler(graph, Math.max(1, input.concurrency), {
      start: (i) => void runTask(i).catch((error: unknown) => failInternally(i, error)),
      skip(i, reason) {
        const at = Date.now()
        Object.assign(tasks[i]!, { status: 'skipped', skipReason: reason, finishedAt: at })
        writer.record({ e: 'skip', task: graph.ids[i]!, reason, at })
        emit?.({ type: 'task:skip', runId, taskId: graph.ids[i]!, reason, at })
      },
      cancel: (i) => markCancelled(i, undefined),
      done() {
        if (graceTimer) clearTimeout(graceTimer)
        input.signal?.removeEventListener('abort', cancel)
        resolveRun({ status: cancelling ? 'cancelled' : anyFailed ? 'failed' : 'succeeded', tasks })
      },
    })

    /** A bug in weir while running a task must fail that task, not hang the run. */
    function failInternally(i: number, error: unknown): void {
      if (scheduler.state(i) !== STATE.running) return
      const info = toErrorInfo(error, 'system', 'INTERNAL', false)
      anyFailed = true
      Object.assign(tasks[i]!, { status: 'failed', finishedAt: Date.now(), error: { ...info, message: `internal error in weir (please report it): ${info.message}` } })
      scheduler.complete(i, 'failed')
    }

    function markCancelled(i: number, attempt: number | undefined): void {
      const at = Date.now()
      Object.assign(tasks[i]!, { status: 'cancelled', finishedAt: at })
      writer.record({ e: 'cancel', task: graph.ids[i]!, ...(attempt !== undefined && { attempt }), at })
      emit?.({ type: 'task:cancel', runId, taskId: graph.ids[i]!, at })
    }

    function cancel(): void {
      if (cancelling) return
      cancelling = true
      scheduler.stop('cancel')
      runController.abort()
      retrySleeps.wakeAll()
      if (active.size > 0) graceTimer = setTimeout(() => [...active].forEach((a) => a.giveUp()), input.cancelGraceMs)
    }

    async function runTask(i: number): Promise<void> {
      if (pacer.mustWait()) {
        await pacer.nextTurn()
        if (cancelling) {
          markCancelled(i, undefined)
          return scheduler.complete(i, 'cancelled')
        }
      }
      const id = graph.ids[i]!
      const task = (taskById[i] ??= pipeline.tasks.get(id)!)
      const state = tasks[i]!
      for (let attempt = 1; ; attempt++) {
        const startedAt = Date.now()
        state.attempts = attempt
        state.startedAt ??= startedAt
        writer.record({ e: 'start', task: id, attempt, at: startedAt })
        emit?.({ type: 'task:start', runId, taskId: id, attempt, at: startedAt })
        const outcome = await runAttempt(i, task, attempt)
        const at = Date.now()
        if (outcome.status === 'succeeded') {
          // The hot path of the benchmark: plain assignments, no spreads.
          const output = outcome.output
          const values = hasKeys(outcome.values) ? outcome.values : undefined
          state.status = 'succeeded'
          state.finishedAt = at
          if (output) state.output = output
          if (values) state.values = values
          writer.record({ e: 'succeed', task: id, attempt, at, output, values })
          return completeWhenDurable(i)
        }
        if (outcome.status === 'cancelled' || cancelling) {
          if (outcome.error) logAttemptError(writer, id, attempt, outcome.error)
          markCancelled(i, attempt)
          return scheduler.complete(i, 'cancelled')
        }
        logAttemptError(writer, id, attempt, outcome.error)
        if (shouldRetry(outcome.error, attempt, task.retry)) {
          const delayMs = retryDelayMs(task.retry, attempt, input.random)
          writer.record({ e: 'retry', task: id, attempt, delayMs, error: outcome.error, at })
          emit?.({ type: 'task:retry', runId, taskId: id, attempt, delayMs, error: outcome.error, at })
          if (await retrySleeps.sleep(delayMs)) continue
          markCancelled(i, attempt)
          return scheduler.complete(i, 'cancelled')
        }
        anyFailed = true
        Object.assign(state, { status: 'failed', finishedAt: at, error: outcome.error })
        writer.record({ e: 'fail', task: id, attempt, error: outcome.error, at })
        emit?.({ type: 'task:fail', runId, taskId: id, attempt, error: outcome.error, at })
        if (input.failFast) scheduler.stop('fail_fast')
        return scheduler.complete(i, 'failed')
      }
    }

    // A success must be in the journal file before anything relies on it: a downstream task may act
    // on the world and the display may say so, and after a kill -9 a resume must find the success,
    // not run the task again. Successes of one burst of microtasks share one journal write.
    let awaitingCommit: number[] = []
    function completeWhenDurable(i: number): void {
      if (awaitingCommit.push(i) === 1) queueMicrotask(commitSuccesses)
    }

    function commitSuccesses(): void {
      const batch = awaitingCommit
      awaitingCommit = []
      writer.commit()
      for (const i of batch) {
        try {
          const { attempts: attempt, finishedAt: at = Date.now(), output } = tasks[i]!
          const taskId = graph.ids[i]!
          emit?.(output ? { type: 'task:succeed', runId, taskId, attempt, at, output } : { type: 'task:succeed', runId, taskId, attempt, at })
          scheduler.complete(i, 'succeeded')
        } catch (error) {
          failInternally(i, error)
        }
      }
    }

    function runAttempt(i: number, task: Task, attempt: number): Promise<AttemptOutcome> {
      let controller: AbortController | undefined
      let unlink: (() => void) | undefined
      if (task.timeoutMs !== undefined) {
        const own = new AbortController()
        controller = own
        const forward = (): void => own.abort(runController.signal.reason)
        runController.signal.addEventListener('abort', forward, { once: true })
        unlink = () => runController.signal.removeEventListener('abort', forward)
      }
      const request: AttemptRequest = {
        pipeline,
        task,
        runId,
        attempt,
        params: input.params,
        upstreamOutputs: upstreamOutputsOf(graph, tasks, i),
        upstreamValues: upstreamValuesOf(graph, tasks, i),
        signal: controller?.signal ?? runController.signal,
        log: writer.logs.logger(task.id, attempt),
        run: input.run,
      }
      return new Promise<AttemptOutcome>((resolve) => {
        let settled = false
        let timer: ReturnType<typeof setTimeout> | undefined
        const entry: ActiveAttempt = { giveUp: () => settle({ status: 'cancelled' }) }
        const settle = (outcome: AttemptOutcome): void => {
          if (settled) return
          settled = true
          active.delete(entry)
          if (timer) clearTimeout(timer)
          unlink?.()
          resolve(outcome)
        }
        active.add(entry)
        if (controller) timer = armAttemptTimeout(task, attempt, controller, settle)
        try {
          executor.runAttempt(request).then(settle, (e: unknown) => settle({ status: 'failed', error: toErrorInfo(e, 'system', 'EXECUTOR_ERROR'), values: {} }))
        } catch (e) {
          settle({ status: 'failed', error: toErrorInfo(e, 'system', 'EXECUTOR_ERROR'), values: {} })
        }
      })
    }

    const finished = recordReusedTasks(input, tasks)
    // Reused successes are durable before the first task starts, as every success is (see runTask).
    writer.commit()
    input.signal?.addEventListener('abort', cancel, { once: true })
    scheduler.begin(finished)
    if (input.signal?.aborted) cancel()
  })
}

/** Marks the tasks a resume reuses as succeeded (journal and events); returns them for the scheduler. */
function recordReusedTasks(input: RunLoopInput, tasks: TaskOutcome[]): Map<number, StateCode> {
  const { graph, writer, emit, runId } = input
  const finished = new Map<number, StateCode>()
  for (const [id, reused] of input.reuse) {
    const i = graph.indexOf.get(id)
    if (i === undefined) continue
    const at = Date.now()
    finished.set(i, STATE.succeeded)
    Object.assign(tasks[i]!, { status: 'succeeded', reusedFrom: reused.fromRunId, ...(reused.output && { output: reused.output }), values: reused.values })
    writer.record({ e: 'reuse', task: id, from: reused.fromRunId, ...(reused.output && { output: reused.output }), values: reused.values, at })
    emit?.({ type: 'task:reuse', runId, taskId: id, fromRunId: reused.fromRunId, ...(reused.output && { output: reused.output }), at })
  }
  return finished
}

/** A failed attempt's error goes to the task's log, with the stack when the handler threw it. */
function logAttemptError(writer: RunWriter, taskId: string, attempt: number, error: ErrorInfo): void {
  const log = writer.logs.logger(taskId, attempt)
  log.error(`${error.code}: ${error.message}`)
  if (error.stack && error.origin === 'user') log.error(error.stack)
}
