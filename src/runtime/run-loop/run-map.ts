/**
 * A mapped task (docs/fan-out.md) from start to final status. The scheduler sees it as one task: it
 * starts when its trigger is met, reads its list once, then runs each item as its own sequence of
 * attempts (the task's retries and timeout, per item), and completes with the status derived from
 * its items (derive-status.ts). Items hold slots of the run's `--concurrency` (the task's own slot
 * runs the first item, the others are asked of the scheduler) and at most `foreach.concurrency` run
 * at once; the slot of an item that ended goes to a ready task before the next item. Every change
 * goes through `changeTask`; an item's success is told to the listener once durable, and the task's
 * own success completes once durable, after every item's.
 */
import type { AttemptRequest, ErrorInfo } from '../../plugins/types.ts'
import type { Task } from '../../spec/model.ts'
import type { TaskEvent } from '../api.ts'
import type { LoopState } from './loop-state.ts'
import { changeTask, stopForFailFast } from './loop-state.ts'
import { runAttempt } from './run-attempt.ts'
import { cancelTask } from './run-task.ts'
import { retryDelayMs, shouldRetry } from '../retry.ts'
import { toErrorInfo } from '../errors.ts'
import { propertyOf } from '../../spec/thrown-value.ts'
import { readMapList } from './map-list.ts'
import { withDeclaredValues } from '../map/fan-in.ts'
import { itemLogger } from '../map/item-logger.ts'
import type { MapList } from './map-list.ts'

type ItemEnd = 'succeeded' | 'failed' | 'cancelled'

export async function runMap(loop: LoopState, i: number, task: Task): Promise<void> {
  const { input, scheduler } = loop
  const { runId, graph } = input
  const taskId = graph.ids[i]!
  changeTask(loop, i, { type: 'task:start', runId, taskId, attempt: 1, at: Date.now() })
  let list: MapList
  try {
    list = await readMapList(loop, task)
  } catch (error) {
    // A list that cannot be read or is not a list fails the whole task; no retry reads another one.
    const code = propertyOf(error, 'code')
    const info = toErrorInfo(error, code === 'MAP_ITEMS_INVALID' ? 'user' : 'system', code === 'MAP_ITEMS_INVALID' ? 'MAP_ITEMS_INVALID' : 'IO_ERROR', false)
    return failMap(loop, i, info)
  }
  if (loop.cancelling) return cancelTask(loop, i, 1)
  const count = list.count
  changeTask(loop, i, { type: 'task:map', runId, taskId, count, hash: list.hash, at: Date.now() })

  // A resume of the same list reuses the items that succeeded before; the others run.
  const reused = input.reuseItems?.get(taskId)
  const todo: number[] = []
  for (let k = 0; k < count; k++) {
    const before = reused?.hash === list.hash ? reused.items.get(k) : undefined
    if (before) changeTask(loop, i, { type: 'item:reuse', runId, taskId, index: k, fromRunId: before.fromRunId, ...(before.output && { output: before.output }), values: before.values, at: Date.now() })
    else todo.push(k)
  }

  const limit = Math.min(task.foreach!.concurrency ?? Number.POSITIVE_INFINITY, Math.max(1, input.concurrency))
  let next = 0
  let active = 0
  // Slots this task holds: one per running item (its own slot runs the first), and one once no item
  // runs, which its completion frees. It holds none while it waits for a slot to run more items.
  let held = 1
  let failed = 0
  let cancelled = 0
  // The failed item with the lowest index, whichever failed first: the message is the same in every run.
  let firstFailure: { index: number; error: ErrorInfo } | undefined

  await new Promise<void>((allDone) => {
    const stopping = (): boolean => loop.cancelling || loop.failFastStopped
    const startNext = (): boolean => {
      if (next >= todo.length || active >= limit || stopping()) return false
      const k = todo[next++]!
      active++
      runItem(loop, i, task, k, list).then(ended, (error: unknown) => ended(internalItemFailure(loop, i, k, error)))
      return true
      function ended(how: ItemEnd): void {
        active--
        if (how === 'failed') failed++
        else if (how === 'cancelled') cancelled++
        if (how === 'failed' && (!firstFailure || k < firstFailure.index)) firstFailure = { index: k, error: loop.tasks[i]!.items![k]!.error! }
        // The slot runs the next item, unless a task waits for it: that task gets it first (it may
        // unblock more work), and the items ask for it back, ahead of other maps' further items.
        const yieldToTask = scheduler.taskWaiting
        if (!yieldToTask && startNext()) return
        // The last slot stays with the task, which its completion frees.
        if (active === 0 && (next >= todo.length || stopping())) return allDone()
        held--
        scheduler.releaseSlot()
        // The task that got the slot may have stopped the run (fail_fast, a cancel) as it started:
        // a task left without a slot asks for one all the same, to complete (see grant).
        if (held === 0 || (yieldToTask && next < todo.length && !stopping())) scheduler.requestSlot(grant, true)
      }
    }
    const grant = (): boolean => {
      if (startNext()) {
        held++
        return true
      }
      // The task gave away every slot and now runs no more items (the run is stopping): it takes
      // this slot back to complete, which frees it.
      if (held > 0 || active > 0) return false
      held = 1
      allDone()
      return true
    }
    if (!startNext()) return allDone()
    const more = Math.min(limit, todo.length, Math.max(1, input.concurrency)) - 1
    for (let n = 0; n < more; n++) scheduler.requestSlot(grant)
  })

  if (failed > 0) {
    const first = firstFailure!
    const message = `${failed.toLocaleString('en-US')} of ${count.toLocaleString('en-US')} items failed; item ${first.index}: ${first.error.message}`
    return failMap(loop, i, { code: 'MAP_ITEMS_FAILED', message, origin: first.error.origin, recoverable: false })
  }
  if (cancelled > 0 || next < todo.length) return cancelTask(loop, i, 1)
  const event: TaskEvent = { type: 'task:succeed', runId, taskId, attempt: 1, at: Date.now() }
  changeTask(loop, i, event, false)
  fillDeclaredValues(loop, i)
  return loop.completeWhenDurable(i, event)
}

/** Every declared value of the ended map is a list for its downstream tasks, `null` where no item set it (fan-in.ts). */
function fillDeclaredValues(loop: LoopState, i: number): void {
  const state = loop.tasks[i]!
  const declared = Object.keys(loop.input.pipeline.tasks.get(loop.input.graph.ids[i]!)!.values)
  if (state.items && declared.length > 0) state.values = withDeclaredValues(state.values, declared, state.items.length)
}

function failMap(loop: LoopState, i: number, error: ErrorInfo): void {
  const { runId, graph, failFast } = loop.input
  loop.anyFailed = true
  changeTask(loop, i, { type: 'task:fail', runId, taskId: graph.ids[i]!, attempt: 1, error, at: Date.now() })
  fillDeclaredValues(loop, i)
  if (failFast) stopForFailFast(loop)
  loop.scheduler.complete(i, 'failed')
}

/** One item, attempt after attempt, to its end. */
async function runItem(loop: LoopState, i: number, task: Task, index: number, list: MapList): Promise<ItemEnd> {
  if (loop.pacer.mustWait()) await loop.pacer.nextTurn()
  const { input, maps } = loop
  const { runId, graph, writer } = input
  const taskId = graph.ids[i]!
  if (loop.cancelling) return cancelItem(loop, i, index, undefined)
  for (let attempt = 1; ; attempt++) {
    changeTask(loop, i, { type: 'item:start', runId, taskId, index, attempt, at: Date.now() })
    let item: AttemptRequest['item']
    let outcome
    try {
      const value = await list.item(index, loop.runController.signal)
      item = list.cacheKeyOf ? { value, index, cacheKey: list.cacheKeyOf(index) } : { value, index }
    } catch (error) {
      outcome = { status: 'failed' as const, error: toErrorInfo(error, 'system', 'IO_ERROR'), values: {} }
    }
    outcome ??= await runAttempt(loop, i, task, attempt, item)
    releaseItem(item?.value)
    const at = Date.now()
    if (outcome.status === 'succeeded') {
      const event: Mutable<ItemSucceed> = { type: 'item:succeed', runId, taskId, index, attempt, at }
      if (outcome.output) event.output = outcome.output
      if (hasKeys(outcome.values)) event.values = outcome.values
      if (outcome.cachedFrom) event.cachedFrom = outcome.cachedFrom
      changeTask(loop, i, event, false)
      maps!.tellWhenDurable(event)
      return 'succeeded'
    }
    const log = itemLogger(writer.logs.logger(taskId, attempt), index)
    if (outcome.status === 'cancelled' || loop.cancelling) {
      if (outcome.error) log.error(`${outcome.error.code}: ${outcome.error.message}`)
      return cancelItem(loop, i, index, attempt)
    }
    log.error(`${outcome.error.code}: ${outcome.error.message}`)
    if (outcome.error.stack && outcome.error.origin === 'user') log.error(outcome.error.stack)
    if (shouldRetry(outcome.error, attempt, task.retry)) {
      const delayMs = retryDelayMs(task.retry, attempt, input.random)
      changeTask(loop, i, { type: 'item:retry', runId, taskId, index, attempt, delayMs, error: outcome.error, at })
      if (await loop.retrySleeps.sleep(delayMs)) continue
      return cancelItem(loop, i, index, attempt)
    }
    changeTask(loop, i, { type: 'item:fail', runId, taskId, index, attempt, error: outcome.error, at })
    if (input.failFast && !loop.failFastStopped) stopForFailFast(loop)
    return 'failed'
  }
}

function cancelItem(loop: LoopState, i: number, index: number, attempt: number | undefined): ItemEnd {
  const { runId, graph } = loop.input
  changeTask(loop, i, { type: 'item:cancel', runId, taskId: graph.ids[i]!, index, ...(attempt !== undefined && { attempt }), at: Date.now() })
  return 'cancelled'
}

/** A bug in weir while running an item fails that item (and says so), not the run. */
function internalItemFailure(loop: LoopState, i: number, index: number, error: unknown): ItemEnd {
  const info = toErrorInfo(error, 'system', 'INTERNAL', false)
  const { runId, graph } = loop.input
  const attempt = Math.max(1, loop.tasks[i]!.items![index]!.attempts)
  changeTask(loop, i, { type: 'item:fail', runId, taskId: graph.ids[i]!, index, attempt, error: { ...info, message: `internal error in weir (please report it): ${info.message}` }, at: Date.now() })
  return 'failed'
}

type ItemSucceed = Extract<TaskEvent, { type: 'item:succeed' }>
type Mutable<T> = { -readonly [K in keyof T]: T[K] }

function hasKeys(o: object): boolean {
  for (const _ in o) return true
  return false
}

/**
 * Closes an item that is a stream (map → map over stream outputs) once its attempt has ended: a
 * subprocess attempt reads the item itself and never touches this one, and a handler in process is
 * done with it. Each is an open file or connection: a map of thousands would run out of them.
 */
function releaseItem(value: unknown): void {
  const stream = value as { destroy?: unknown; destroyed?: unknown; pipe?: unknown } | null | undefined
  if (stream && typeof stream.pipe === 'function' && typeof stream.destroy === 'function' && stream.destroyed !== true) (stream.destroy as () => void)()
}
