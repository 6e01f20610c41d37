/**
 * The DAG state machine: which task may start, which are skipped or excluded, when the run is done.
 * Synchronous and free of I/O, so the trigger-rule truth table drives it directly in tests and the
 * benchmark measures exactly its cost. Running tasks, retries and timeouts live in run-pipeline.ts.
 *
 * A task is judged once all its upstream tasks are finished, with `decideTrigger` (the one table in
 * src/spec/trigger-rules.ts): run, skip ("upstream failed") or exclude (an unneeded failure handler).
 */
import type { SkipReason } from '../spec/task-status.ts'
import type { TaskGraph } from './task-graph.ts'
import { decideTrigger } from '../spec/trigger-rules.ts'
import type { OutcomeCounts } from '../spec/trigger-rules.ts'

/** Per-task state, as small integers in a typed array. */
export const STATE = {
  pending: 0,
  ready: 1,
  running: 2,
  succeeded: 3,
  failed: 4,
  skipped: 5,
  excluded: 6,
  cancelled: 7,
} as const
export type StateCode = (typeof STATE)[keyof typeof STATE]

/** How a started task ended. */
export type Completion = 'succeeded' | 'failed' | 'cancelled'

export interface SchedulerHooks {
  /** Task `index` starts now; report its end with `complete`. */
  start(index: number): void
  /** Task `index` will not run. */
  skip(index: number, reason: SkipReason): void
  /** Task `index` never started because the run was cancelled. */
  cancel(index: number): void
  /** Every task is finished. */
  done(): void
}

export interface DagScheduler {
  /** Starts the run; tasks in `finished` (resume) count as already done with that state. */
  begin(finished?: ReadonlyMap<number, StateCode>): void
  /** A started task ended. */
  complete(index: number, how: Completion): void
  /** Finishes every task not yet started: as `cancelled`, or as skipped with reason `fail_fast`. */
  stop(mode: 'cancel' | 'fail_fast'): void
  state(index: number): StateCode
  /**
   * A running mapped task wants one more slot of the run's concurrency for an item (its own slot
   * runs the first). `grant` is called once a slot is free and no ready task is waiting for it; it
   * returns false when the slot is no longer wanted, and the slot stays free. `back` asks ahead of
   * the other requests: the task gave the slot of an item to a ready task and wants it back before
   * another mapped task gets a further slot, so maps keep their share.
   */
  requestSlot(grant: () => boolean, back?: boolean): void
  /**
   * A slot a mapped task holds is free again: one taken with `requestSlot`, or the task's own while
   * it waits for a slot to run more items (it then holds none, and takes one with `requestSlot`
   * before it completes, since `complete` frees one).
   */
  releaseSlot(): void
  /** A ready task waits for a slot: a mapped task gives it the slot of an item that ended (docs/fan-out.md). */
  readonly taskWaiting: boolean
  /** Slots in use: those of running tasks plus the extra slots of their items (a mapped task that lent its slot holds none). */
  readonly running: number
}

const isFinished = (s: number): boolean => s >= STATE.succeeded

/** Creates a scheduler for one run. `concurrency` bounds the tasks running at once. */
export function createScheduler(graph: TaskGraph, concurrency: number, hooks: SchedulerHooks): DagScheduler {
  const n = graph.ids.length
  const states = new Uint8Array(n)
  const remaining = new Int32Array(n)
  const ready: number[] = []
  let readyHead = 0
  let running = 0
  let finishedCount = 0
  let stopped = false
  let doneCalled = false
  // Tasks whose upstream tasks just all finished; drained iteratively (a 100k-task chain of skips
  // must not recurse 100k deep). Filled up to `toDecideCount` and reused: `length = 0` after each
  // completion gave a small array's room back, and the next push allocated it again.
  const toDecide: number[] = []
  let toDecideCount = 0
  // Mapped tasks waiting for a slot for one more item (requestSlot), FIFO.
  const slotRequests: (() => boolean)[] = []
  const scratch: OutcomeCounts = { succeeded: 0, failed: 0, skipped: 0, excluded: 0, total: 0 }

  function finish(index: number, state: StateCode): void {
    states[index] = state
    finishedCount++
    const { downStart, downIndex } = graph
    for (let k = downStart[index]!, end = downStart[index + 1]!; k < end; k++) {
      const d = downIndex[k]!
      if (states[d] !== STATE.pending) continue
      const left = remaining[d]! - 1
      remaining[d] = left
      if (left === 0) toDecide[toDecideCount++] = d
    }
  }

  function decide(index: number): void {
    const { upStart, upIndex } = graph
    const start = upStart[index]!
    const end = upStart[index + 1]!
    // One scratch object for every decision: decideTrigger reads it synchronously and keeps nothing.
    const counts = scratch
    counts.succeeded = counts.failed = counts.skipped = counts.excluded = 0
    counts.total = end - start
    for (let k = start; k < end; k++) {
      const s = states[upIndex[k]!]
      if (s === STATE.succeeded) counts.succeeded++
      else if (s === STATE.failed || s === STATE.cancelled) counts.failed++
      else if (s === STATE.skipped) counts.skipped++
      else counts.excluded++
    }
    const decision = decideTrigger(graph.rules[index]!, counts)
    if (decision === 'run') {
      states[index] = STATE.ready
      ready.push(index)
    } else if (decision === 'skip') {
      finish(index, STATE.skipped)
      hooks.skip(index, 'upstream_failed')
    } else {
      finish(index, STATE.excluded)
      hooks.skip(index, 'excluded')
    }
  }

  function settle(): void {
    // FIFO, so tasks become ready in the order their upstream tasks finished (and declaration order).
    for (let k = 0; k < toDecideCount; k++) decide(toDecide[k]!)
    toDecideCount = 0
    while (!stopped && running < concurrency && readyHead < ready.length) {
      const index = ready[readyHead++]!
      states[index] = STATE.running
      running++
      hooks.start(index)
    }
    // Items get the slots no ready task wants: a task waiting to start may unblock more work.
    while (slotRequests.length > 0 && running < concurrency) {
      running++
      if (!slotRequests.shift()!()) running--
    }
    if (readyHead > 1024 && readyHead * 2 > ready.length) {
      ready.splice(0, readyHead)
      readyHead = 0
    }
    if (finishedCount === n && !doneCalled) {
      doneCalled = true
      hooks.done()
    }
  }

  return {
    begin(finished) {
      if (finished) for (const [index, state] of finished) states[index] = state
      for (let i = 0; i < n; i++) {
        if (isFinished(states[i]!)) {
          finishedCount++
          continue
        }
        let open = 0
        for (let k = graph.upStart[i]!; k < graph.upStart[i + 1]!; k++) if (!isFinished(states[graph.upIndex[k]!]!)) open++
        remaining[i] = open
        if (open === 0) toDecide[toDecideCount++] = i
      }
      settle()
    },
    complete(index, how) {
      if (states[index] !== STATE.running) throw new Error(`internal: task ${graph.ids[index]} completed while not running`)
      running--
      finish(index, how === 'succeeded' ? STATE.succeeded : how === 'failed' ? STATE.failed : STATE.cancelled)
      settle()
    },
    stop(mode) {
      if (stopped) return
      stopped = true
      toDecideCount = 0
      for (let i = 0; i < n; i++) {
        const s = states[i]
        if (s !== STATE.pending && s !== STATE.ready) continue
        states[i] = mode === 'cancel' ? STATE.cancelled : STATE.skipped
        finishedCount++
        if (mode === 'cancel') hooks.cancel(i)
        else hooks.skip(i, 'fail_fast')
      }
      settle()
    },
    state: (index) => states[index] as StateCode,
    requestSlot(grant, back) {
      if (back) slotRequests.unshift(grant)
      else slotRequests.push(grant)
      settle()
    },
    releaseSlot() {
      running--
      settle()
    },
    get running() {
      return running
    },
    get taskWaiting() {
      return !stopped && readyHead < ready.length
    },
  }
}
