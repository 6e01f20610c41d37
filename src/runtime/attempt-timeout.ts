/**
 * The per-attempt timeout, for `weir run` (run-loop.ts) and `weir execute` (execute/execute-task.ts)
 * alike: when a task's `timeout` is up, the attempt's signal is aborted and the attempt is failed at
 * once with `TASK_TIMEOUT`, without waiting for a handler that ignores its signal.
 */
import type { AttemptOutcome, ErrorInfo } from '../plugins/types.ts'
import type { Task } from '../spec/model.ts'
import { formatDuration } from '../spec/duration.ts'
import { setLongTimeout } from './long-timeout.ts'

/**
 * The error of an attempt that ran out of time; final (not recoverable) when the policy does not
 * retry timeouts. `blocked`: its handler was blocking the event loop, and `weir execute`'s watchdog
 * stopped its JavaScript (blocked-loop-watchdog.ts).
 */
export function timeoutError(task: Task, attempt: number, timeoutMs: number, blocked = false): ErrorInfo {
  const message = blocked
    ? `Attempt ${attempt} of task '${task.id}' timed out after ${formatDuration(timeoutMs)} while its handler was blocking the event loop (synchronous code, such as a loop or a long computation, which not even its signal can stop), so weir stopped the handler; make it yield (await) while it works, raise tasks.${task.id}.timeout or make it faster.`
    : `Attempt ${attempt} of task '${task.id}' timed out after ${formatDuration(timeoutMs)}; raise tasks.${task.id}.timeout or make the handler faster.`
  return {
    code: 'TASK_TIMEOUT',
    message,
    origin: 'user',
    // `weir execute` turns this into its exit code, which is all an engine sees of the retry decision.
    recoverable: task.retry.retryOnTimeout,
    timedOut: true,
  }
}

/**
 * Starts the timeout of one attempt of a task that has one: after `task.timeoutMs`, aborts
 * `controller` and calls `expire` with the failed outcome. Returns the timer, for `clearTimeout`
 * once the attempt settles.
 */
export function armAttemptTimeout(task: Task, attempt: number, controller: AbortController, expire: (outcome: AttemptOutcome) => void): ReturnType<typeof setTimeout> | undefined {
  const ms = task.timeoutMs
  if (ms === undefined) return undefined
  return setLongTimeout(() => {
    const error = timeoutError(task, attempt, ms)
    controller.abort(Object.assign(new Error(error.message), { code: error.code }))
    expire({ status: 'failed', error, values: {} })
  }, ms)
}

/** Races an attempt against its task's timeout (see `armAttemptTimeout`). */
export function withAttemptTimeout(running: Promise<AttemptOutcome>, task: Task, attempt: number, controller: AbortController): Promise<AttemptOutcome> {
  if (task.timeoutMs === undefined) return running
  return new Promise((resolve, reject) => {
    const timer = armAttemptTimeout(task, attempt, controller, resolve)
    running.then(
      (outcome) => {
        clearTimeout(timer)
        resolve(outcome)
      },
      (error: unknown) => {
        clearTimeout(timer)
        reject(error)
      },
    )
  })
}
