/**
 * What the steps of one run loop share: the input, every task's state, the scheduler, and the
 * run-wide cancellation. Each step (run-task.ts, run-attempt.ts, durable-commit.ts) is a function
 * of this state, so the state machine reads as named steps rather than one closure.
 */
import type { AttemptRequest, Executor, StoredRef } from '../../plugins/types.ts'
import type { Pipeline, Task } from '../../spec/model.ts'
import type { RunEvent, RunStatus, TaskEvent } from '../api.ts'
import type { TaskGraph } from '../task-graph.ts'
import type { RunWriter } from '../run-store/open-run.ts'
import type { TaskRecord } from '../run-store/records.ts'
import type { ReusedItems, ReusedTask } from '../plan-resume.ts'
import type { DagScheduler } from '../scheduler.ts'
import type { RetrySleeps } from '../retry-sleep.ts'
import type { StartPacer } from '../start-pacer.ts'
import type { ActiveAttempts } from './active-attempts.ts'
import { applyTaskEvent } from '../run-store/apply-task-event.ts'

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
  /** Mapped tasks a resume runs again: the items of the resumed run that succeeded (docs/fan-out.md). */
  readonly reuseItems?: ReadonlyMap<string, ReusedItems>
  /** Reads an upstream task's stored output, for a mapped task's list; required when the pipeline has mapped tasks. */
  readonly readOutput?: (ref: StoredRef, producer: Task, signal: AbortSignal) => Promise<unknown>
  /** The key of the keyed hash of a secret foreach list (run-store/state-keys.ts); without it such a hash matches no other run's. */
  readonly listHashKey?: () => Promise<Uint8Array>
  readonly writer: RunWriter
  readonly emit: ((event: RunEvent) => void) | undefined
}

export interface RunLoopResult {
  readonly status: Exclude<RunStatus, 'running' | 'interrupted'>
  /** Every task's state, in the order of `graph.ids`. */
  readonly tasks: readonly TaskRecord[]
}

/** An attempt in flight, which a cancel past its grace period gives up on. */
export interface ActiveAttempt {
  giveUp(): void
}

export interface LoopState {
  readonly input: RunLoopInput
  readonly tasks: TaskRecord[]
  /** Looked up when a task starts: skipped and reused tasks never need their Task. */
  readonly taskById: (Task | undefined)[]
  readonly scheduler: DagScheduler
  /** Aborted when the run is cancelled; every attempt's signal follows it. */
  readonly runController: AbortController
  readonly active: ActiveAttempts
  readonly retrySleeps: RetrySleeps
  readonly pacer: StartPacer
  cancelling: boolean
  /** Set when fail_fast stopped the run: mapped tasks start no more items. */
  failFastStopped: boolean
  anyFailed: boolean
  /** What running mapped tasks needs; undefined when the pipeline has none, so other runs pay nothing. */
  readonly maps: MapsState | undefined
  /** Queues task `i`'s success to be told and completed once it is in the journal file (durable-commit.ts). */
  completeWhenDurable(i: number, success: TaskEvent): void
}

export interface MapsState {
  /** 1 at `i` when task `i` has a mapped upstream task (its attempts get `upstreamItemOutputs`). */
  readonly readsMap: Uint8Array
  /** Tells the listener of an item's success once it is in the journal file, as for tasks. */
  tellWhenDurable(success: TaskEvent): void
}

/**
 * The one way a task's state changes in a run: applied to its record, queued for the journal and
 * told to the listener, in that order. (A success is told later, once durable: see run-task.ts.)
 */
export function changeTask(loop: LoopState, i: number, event: TaskEvent, tell = true): void {
  applyTaskEvent(loop.tasks[i]!, event)
  loop.input.writer.record(event)
  if (tell) loop.input.emit?.(event)
}

/** fail_fast: no new task, and no new item of any mapped task, starts; running ones finish. */
export function stopForFailFast(loop: LoopState): void {
  loop.failFastStopped = true
  loop.scheduler.stop('fail_fast')
}
