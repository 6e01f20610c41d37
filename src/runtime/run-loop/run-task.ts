/**
 * One task from start to final status: attempts, retries after their backoff, cancellation. Each
 * change goes through `changeTask` (state, journal, listener); a success completes only once it is
 * durable (durable-commit.ts).
 */
import type { AttemptOutcome, ErrorInfo } from '../../plugins/types.ts'
import type { Task } from '../../spec/model.ts'
import type { TaskEvent } from '../api.ts'
import type { RunWriter } from '../run-store/open-run.ts'
import type { LoopState } from './loop-state.ts'
import { changeTask, stopForFailFast } from './loop-state.ts'
import { runMap } from './run-map.ts'
import { startAttempt } from './run-attempt.ts'
import { retryDelayMs, shouldRetry } from '../retry.ts'
import { toErrorInfo } from '../errors.ts'
import { STATE } from '../scheduler.ts'

/**
 * Runs task `i` to its final status: starts its first attempt, and each attempt's end
 * (`attemptEnded`) retries, fails or completes it. No async frame per task, and nothing throws
 * out of here: a bug in weir fails the task (failInternally).
 */
export function runTask(loop: LoopState, i: number): void {
  if (loop.pacer.mustWait()) {
    void loop.pacer.nextTurn().then(() => (loop.cancelling ? guarded(loop, i, cancelBeforeStart) : startTask(loop, i)))
    return
  }
  startTask(loop, i)
}

function startTask(loop: LoopState, i: number): void {
  try {
    const task = (loop.taskById[i] ??= loop.input.pipeline.tasks.get(loop.input.graph.ids[i]!)!)
    if (task.foreach !== undefined) {
      runMap(loop, i, task).catch((error: unknown) => failInternally(loop, i, error))
      return
    }
    nextAttempt(loop, i, task, 1)
  } catch (error) {
    failInternally(loop, i, error)
  }
}

function nextAttempt(loop: LoopState, i: number, task: Task, attempt: number): void {
  const { runId, graph } = loop.input
  changeTask(loop, i, { type: 'task:start', runId, taskId: graph.ids[i]!, attempt, at: Date.now() })
  startAttempt(loop, i, task, attempt, undefined, attemptEnded)
}

/** An attempt of task `i` ended: the task succeeds, retries after its backoff, is cancelled, or fails. */
function attemptEnded(loop: LoopState, i: number, task: Task, attempt: number, outcome: AttemptOutcome): void {
  try {
    const { input, scheduler } = loop
    const { runId, graph, writer } = input
    const taskId = graph.ids[i]!
    const at = Date.now()
    if (outcome.status === 'succeeded') {
      // The hot path of the benchmark: plain assignments, no spreads.
      const event: Mutable<SucceedEvent> = { type: 'task:succeed', runId, taskId, attempt, at }
      if (outcome.output) event.output = outcome.output
      if (hasKeys(outcome.values)) event.values = outcome.values
      if (outcome.cachedFrom) event.cachedFrom = outcome.cachedFrom
      // Told to the listener once durable, not now.
      changeTask(loop, i, event, false)
      return loop.completeWhenDurable(i, event)
    }
    if (outcome.status === 'cancelled' || loop.cancelling) {
      if (outcome.error) logAttemptError(writer, taskId, attempt, outcome.error)
      return cancelTask(loop, i, attempt)
    }
    logAttemptError(writer, taskId, attempt, outcome.error)
    if (shouldRetry(outcome.error, attempt, task.retry)) {
      const delayMs = retryDelayMs(task.retry, attempt, input.random)
      changeTask(loop, i, { type: 'task:retry', runId, taskId, attempt, delayMs, error: outcome.error, at })
      void loop.retrySleeps.sleep(delayMs).then((slept) => guarded(loop, i, () => (slept ? nextAttempt(loop, i, task, attempt + 1) : cancelTask(loop, i, attempt))))
      return
    }
    loop.anyFailed = true
    changeTask(loop, i, { type: 'task:fail', runId, taskId, attempt, error: outcome.error, at })
    if (input.failFast) stopForFailFast(loop)
    scheduler.complete(i, 'failed')
  } catch (error) {
    failInternally(loop, i, error)
  }
}

function cancelBeforeStart(loop: LoopState, i: number): void {
  cancelTask(loop, i, undefined)
}

/** Runs a step of task `i`; a bug in weir fails the task, as everywhere in this file. */
function guarded(loop: LoopState, i: number, step: (loop: LoopState, i: number) => void): void {
  try {
    step(loop, i)
  } catch (error) {
    failInternally(loop, i, error)
  }
}

/** Records task `i` cancelled (during `attempt`, if one ran) and tells the scheduler. */
export function cancelTask(loop: LoopState, i: number, attempt: number | undefined): void {
  markCancelled(loop, i, attempt)
  loop.scheduler.complete(i, 'cancelled')
}

/** Records task `i` cancelled, for a task the scheduler itself finishes (never started). */
export function markCancelled(loop: LoopState, i: number, attempt: number | undefined): void {
  const { runId, graph } = loop.input
  changeTask(loop, i, { type: 'task:cancel', runId, taskId: graph.ids[i]!, ...(attempt !== undefined && { attempt }), at: Date.now() })
}

/** A bug in weir while running a task must fail that task (and say so), not hang the run. */
export function failInternally(loop: LoopState, i: number, error: unknown): void {
  if (loop.scheduler.state(i) !== STATE.running) return
  const info = toErrorInfo(error, 'system', 'INTERNAL', false)
  const { runId, graph } = loop.input
  loop.anyFailed = true
  const attempt = Math.max(1, loop.tasks[i]!.attempts.length)
  changeTask(loop, i, { type: 'task:fail', runId, taskId: graph.ids[i]!, attempt, error: { ...info, message: `internal error in weir (please report it): ${info.message}` }, at: Date.now() })
  loop.scheduler.complete(i, 'failed')
}

/** A failed attempt's error goes to the task's log, with the stack when the handler threw it. */
function logAttemptError(writer: RunWriter, taskId: string, attempt: number, error: ErrorInfo): void {
  const log = writer.logs.logger(taskId, attempt)
  log.error(`${error.code}: ${error.message}`)
  if (error.stack && error.origin === 'user') log.error(error.stack)
}

type SucceedEvent = Extract<TaskEvent, { type: 'task:succeed' }>
type Mutable<T> = { -readonly [K in keyof T]: T[K] }

function hasKeys(o: object): boolean {
  for (const _ in o) return true
  return false
}
