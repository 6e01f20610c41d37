/**
 * One attempt of one task through the executor, with its timeout. Timeouts and cancellation never
 * wait on a handler: an attempt that outlives its timeout, or its grace period after a cancel, is
 * settled on time while the stray promise is left to settle on its own.
 */
import type { AttemptOutcome, AttemptRequest } from '../../plugins/types.ts'
import type { Task } from '../../spec/model.ts'
import type { ActiveAttempt, LoopState } from './loop-state.ts'
import { upstreamItemOutputsOf, upstreamOutputsOf, upstreamValuesOf } from '../upstream-of.ts'
import { itemLogger } from '../map/item-logger.ts'
import { toErrorInfo } from '../errors.ts'
import { armAttemptTimeout } from '../attempt-timeout.ts'
import { createAttemptController } from '../attempt-controller.ts'

/**
 * What runs when an attempt has ended, called once with its outcome. A plain function of the
 * attempt rather than a closure or a promise: this is the end of every task's attempt (run-task.ts).
 * It must not throw.
 */
export type AttemptEnded = (loop: LoopState, i: number, task: Task, attempt: number, outcome: AttemptOutcome) => void

/** One attempt of task `i`; for a mapped task, of one of its items (`item`, with its own log lines). */
export function runAttempt(loop: LoopState, i: number, task: Task, attempt: number, item?: AttemptRequest['item']): Promise<AttemptOutcome> {
  return new Promise<AttemptOutcome>((resolve) => startAttempt(loop, i, task, attempt, item, (_loop, _i, _task, _attempt, outcome) => resolve(outcome)))
}

/**
 * Starts one attempt; `ended` gets its outcome once, from the executor, the timeout, or a cancel
 * giving up on it. (No promise of its own: a task's attempt ends by a call, not by resolving a
 * promise that its task awaits, which cost a promise, its resolvers and an async frame per task.)
 */
export function startAttempt(loop: LoopState, i: number, task: Task, attempt: number, item: AttemptRequest['item'] | undefined, ended: AttemptEnded): void {
  const { input, runController } = loop
  // A task with a timeout gets its own signal (the timeout aborts it), which follows the run's.
  let controller: AbortController | undefined
  let unlink: (() => void) | undefined
  if (task.timeoutMs !== undefined) {
    const own = createAttemptController()
    controller = own
    const forward = (): void => own.abort(runController.signal.reason)
    runController.signal.addEventListener('abort', forward, { once: true })
    unlink = () => runController.signal.removeEventListener('abort', forward)
  }
  const request: Mutable<AttemptRequest> = {
    pipeline: input.pipeline,
    task,
    runId: input.runId,
    attempt,
    params: input.params,
    upstreamOutputs: upstreamOutputsOf(input.graph, loop.tasks, i),
    upstreamValues: upstreamValuesOf(input.graph, loop.tasks, i),
    signal: controller?.signal ?? runController.signal,
    log: input.writer.logs.logger(task.id, attempt),
    run: input.run,
  }
  // Only pipelines with a mapped task pay for these (loop.maps is undefined otherwise).
  if (loop.maps !== undefined) {
    if (item !== undefined) {
      request.item = item
      request.log = itemLogger(request.log, item.index)
    }
    if (loop.maps.readsMap[i] === 1) request.upstreamItemOutputs = upstreamItemOutputsOf(input.graph, loop.tasks, i)
  }
  const running = new RunningAttempt(loop, i, task, attempt, unlink, ended)
  loop.active.add(i, running)
  if (controller) running.timer = armAttemptTimeout(task, attempt, controller, (outcome) => running.settle(outcome))
  // An executor that throws at once fails the attempt later all the same: an attempt never ends
  // within the call that started it, which is within the scheduler's own start of the task.
  let pending: Promise<AttemptOutcome>
  try {
    // Promise.resolve returns a native promise as it is; anything else (a thenable) becomes one.
    pending = Promise.resolve(input.executor.runAttempt(request))
  } catch (e) {
    pending = Promise.reject(e as Error)
  }
  pending.then(
    (outcome) => running.settle(outcome),
    (e: unknown) => running.settle({ status: 'failed', error: toErrorInfo(e, 'system', 'EXECUTOR_ERROR'), values: {} }),
  )
}

/**
 * An attempt in flight, settled once: by its executor, its timeout, or a cancel giving up on it.
 * One object with methods rather than an entry and closures for each (this runs per attempt).
 */
class RunningAttempt implements ActiveAttempt {
  timer: ReturnType<typeof setTimeout> | undefined
  #settled = false
  readonly #loop: LoopState
  readonly #i: number
  readonly #task: Task
  readonly #attempt: number
  readonly #unlink: (() => void) | undefined
  readonly #ended: AttemptEnded

  constructor(loop: LoopState, i: number, task: Task, attempt: number, unlink: (() => void) | undefined, ended: AttemptEnded) {
    this.#loop = loop
    this.#i = i
    this.#task = task
    this.#attempt = attempt
    this.#unlink = unlink
    this.#ended = ended
  }

  giveUp(): void {
    this.settle({ status: 'cancelled' })
  }

  settle(outcome: AttemptOutcome): void {
    if (this.#settled) return
    this.#settled = true
    this.#loop.active.delete(this.#i, this)
    if (this.timer) clearTimeout(this.timer)
    this.#unlink?.()
    this.#ended(this.#loop, this.#i, this.#task, this.#attempt, outcome)
  }
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] }
