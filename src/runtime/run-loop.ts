/**
 * The running part of a run: starts what the scheduler says may start and carries each task to a
 * final status. The steps are in run-loop/: the shared state and the one way a task changes
 * (loop-state.ts), a task's attempts and retries (run-task.ts), one attempt with its timeout
 * (run-attempt.ts), and the durable commit of successes (durable-commit.ts). Every change goes to
 * the task's record, the journal (batched) and the listener; a success is in the journal file before
 * any task downstream of it starts or the listener hears of it. A journal that cannot be written
 * (a full disk) stops the run as a cancel does, and the run fails: weir must not go on doing work it
 * cannot record, nor report a success the journal does not have.
 */
import type { TaskRecord } from './run-store/records.ts'
import { newTaskRecord } from './run-store/apply-task-event.ts'
import { createScheduler, STATE } from './scheduler.ts'
import type { StateCode } from './scheduler.ts'
import { createRetrySleeps } from './retry-sleep.ts'
import { createStartPacer } from './start-pacer.ts'
import type { LoopState, RunLoopInput, RunLoopResult } from './run-loop/loop-state.ts'
import { changeTask } from './run-loop/loop-state.ts'
import { cancelTask, failInternally, markCancelled, runTask } from './run-loop/run-task.ts'
import { createDurableCommit } from './run-loop/durable-commit.ts'
import { createAttemptController } from './attempt-controller.ts'
import { ActiveAttempts } from './run-loop/active-attempts.ts'
import type { MapsState } from './run-loop/loop-state.ts'
import type { TaskEvent } from './api.ts'

export type { RunLoopInput, RunLoopResult } from './run-loop/loop-state.ts'

/** Task starts between two turns of the event loop, at most (see start-pacer.ts). */
const YIELD_EVERY = 256

/** Runs every task of the graph to a final status. */
export function runLoop(input: RunLoopInput): Promise<RunLoopResult> {
  const { graph, writer } = input
  const tasks: TaskRecord[] = graph.ids.map(newTaskRecord)
  let graceTimer: ReturnType<typeof setTimeout> | undefined

  return new Promise<RunLoopResult>((resolveRun) => {
    const cancel = (): void => {
      if (loop.cancelling) return
      loop.cancelling = true
      loop.scheduler.stop('cancel')
      loop.runController.abort()
      loop.retrySleeps.wakeAll()
      if (loop.active.size > 0) graceTimer = setTimeout(() => loop.active.list().forEach((a) => a.giveUp()), input.cancelGraceMs)
    }
    // The hooks run only after `begin`, when `loop` exists.
    const scheduler = createScheduler(graph, Math.max(1, input.concurrency), {
      start: (i) => void runTask(loop, i),
      skip: (i, reason) => changeTask(loop, i, { type: 'task:skip', runId: input.runId, taskId: graph.ids[i]!, reason, at: Date.now() }),
      cancel: (i) => markCancelled(loop, i, undefined),
      done() {
        if (graceTimer) clearTimeout(graceTimer)
        input.signal?.removeEventListener('abort', cancel)
        forgetJournal()
        resolveRun({ status: writer.journalFailure ? 'failed' : loop.cancelling ? 'cancelled' : loop.anyFailed ? 'failed' : 'succeeded', tasks })
      },
    })
    // Every running attempt listens to the run's signal (a timeout's own signal follows it, the
    // subprocess executor kills on it, handlers pass it to fetch): see attempt-controller.ts.
    const runController = createAttemptController()
    const loop: LoopState = {
      input,
      tasks,
      taskById: new Array(graph.ids.length),
      scheduler,
      runController,
      active: new ActiveAttempts(graph.ids.length),
      retrySleeps: createRetrySleeps(),
      pacer: createStartPacer(YIELD_EVERY),
      cancelling: false,
      failFastStopped: false,
      anyFailed: false,
      // An item's success the journal could not take is not one either: the item ends cancelled.
      maps: createMapsState(input, (success) => {
        const i = graph.indexOf.get(success.taskId)!
        try {
          cancel()
          if (success.type === 'item:succeed') changeTask(loop, i, { type: 'item:cancel', runId: input.runId, taskId: success.taskId, index: success.index, attempt: success.attempt, at: Date.now() })
        } catch (error) {
          failInternally(loop, i, error)
        }
      }),
      completeWhenDurable: createDurableCommit(
        writer,
        (i, success) => {
          try {
            input.emit?.(success)
            scheduler.complete(i, 'succeeded')
          } catch (error) {
            failInternally(loop, i, error)
          }
        },
        // Not in the journal, so not a success: the task ends cancelled, as the stopping run's others.
        (i, success) => {
          try {
            cancel()
            cancelTask(loop, i, success.type === 'task:succeed' ? success.attempt : undefined)
          } catch (error) {
            failInternally(loop, i, error)
          }
        },
      ),
    }

    // A failed journal write stops the run. Not at once: it may fail inside a state change, in the
    // middle of the scheduler's work.
    const forgetJournal = writer.whenJournalFails(() => queueMicrotask(cancel))
    const finished = recordReusedTasks(loop)
    // Reused successes are durable before the first task starts, as every success is; a journal
    // that cannot take them starts nothing.
    if (!writer.commit()) cancelUnstarted(loop, finished)
    input.signal?.addEventListener('abort', cancel, { once: true })
    loop.scheduler.begin(finished)
    if (input.signal?.aborted) cancel()
  })
}

/** Marks the tasks a resume reuses as succeeded; returns them for the scheduler. */
function recordReusedTasks(loop: LoopState): Map<number, StateCode> {
  const { graph, runId, reuse } = loop.input
  const finished = new Map<number, StateCode>()
  for (const [taskId, reused] of reuse) {
    const i = graph.indexOf.get(taskId)
    if (i === undefined) continue
    finished.set(i, STATE.succeeded)
    // A mapped task keeps its items (each one's output), which its downstream tasks read.
    if (reused.map) {
      const at = Date.now()
      changeTask(loop, i, { type: 'task:map', runId, taskId, count: reused.map.items.length, hash: reused.map.hash, at })
      reused.map.items.forEach((item, index) => changeTask(loop, i, { type: 'item:reuse', runId, taskId, index, fromRunId: item.fromRunId, ...(item.output && { output: item.output }), values: item.values, at }))
      changeTask(loop, i, { type: 'task:reuse', runId, taskId, fromRunId: reused.fromRunId, values: {}, at })
      continue
    }
    changeTask(loop, i, { type: 'task:reuse', runId, taskId, fromRunId: reused.fromRunId, ...(reused.output && { output: reused.output }), values: reused.values, at: Date.now() })
  }
  return finished
}

/** Records every task that is not `finished` (reused) cancelled, and adds it there: the run starts nothing. */
function cancelUnstarted(loop: LoopState, finished: Map<number, StateCode>): void {
  for (let i = 0; i < loop.tasks.length; i++)
    if (!finished.has(i)) {
      markCancelled(loop, i, undefined)
      finished.set(i, STATE.cancelled)
    }
}

/**
 * What mapped tasks need in this run, or undefined (and nothing to pay) when the pipeline has none.
 * `onLost`: an item's success that the journal could not take.
 */
function createMapsState(input: RunLoopInput, onLost: (success: TaskEvent) => void): MapsState | undefined {
  const { graph, pipeline } = input
  // Most pipelines have no mapped task: a walk over the tasks says so without a lookup by id each.
  let any = false
  for (const task of pipeline.tasks.values())
    if (task.foreach !== undefined) {
      any = true
      break
    }
  if (!any) return undefined
  const mapped = new Uint8Array(graph.ids.length)
  for (let i = 0; i < graph.ids.length; i++) if (pipeline.tasks.get(graph.ids[i]!)?.foreach !== undefined) mapped[i] = 1
  const readsMap = new Uint8Array(graph.ids.length)
  for (let i = 0; i < graph.ids.length; i++)
    for (let k = graph.upStart[i]!; k < graph.upStart[i + 1]!; k++) if (mapped[graph.upIndex[k]!] === 1) readsMap[i] = 1
  const tell = createDurableCommit(
    input.writer,
    (_i, success) => input.emit?.(success),
    (_i, success) => onLost(success),
  )
  return { readsMap, tellWhenDurable: (success: TaskEvent) => tell(0, success) }
}
