/**
 * What the scheduler daemon reports. The CLI turns each event into one log line (format-log.ts);
 * tests wait for them instead of sleeping. Every event carries `at`, the scheduler clock's time (ISO
 * 8601, UTC); fire times (`scheduledAt`) are in the pipeline's timezone, with offset.
 */
import type { Diagnostic } from '../../spec/diagnostics.ts'
import type { CatchupPolicy } from '../../spec/model.ts'
import type { RunStatus } from '../api.ts'

/** Why a fire did not start a run. */
export type FireSkipReason = 'overlap' | 'paused' | 'queue_full' | 'state_error'

interface FireFields {
  readonly pipeline: string
  /** The fire time, ISO 8601 with the schedule timezone's offset. */
  readonly scheduledAt: string
}

export type SchedulerEvent = { readonly at: string } & (
  | { readonly type: 'pipeline:add'; readonly pipeline: string; readonly path: string; readonly cron: string; readonly timezone: string; readonly paused: boolean }
  | { readonly type: 'pipeline:update'; readonly pipeline: string; readonly path: string; readonly cron: string; readonly timezone: string; readonly paused: boolean }
  | { readonly type: 'pipeline:remove'; readonly pipeline: string }
  /** A spec failed validation; `kept` names the pipeline whose previous version stays scheduled. */
  | { readonly type: 'spec:invalid'; readonly path: string; readonly diagnostics: readonly Diagnostic[]; readonly kept?: string }
  /** Two specs share a pipeline name; the one at `path` is not scheduled. */
  | { readonly type: 'spec:duplicate'; readonly path: string; readonly pipeline: string; readonly otherPath: string }
  /** The pipeline's loop sleeps until its next fire (not logged; tests use it to know the loop is idle). */
  | ({ readonly type: 'fire:wait' } & FireFields)
  | ({ readonly type: 'fire:start'; readonly catchup: boolean; readonly moved: boolean; readonly merged: boolean; readonly wallTime: string } & FireFields)
  | ({ readonly type: 'fire:skip'; readonly reason: FireSkipReason } & FireFields)
  | ({ readonly type: 'fire:queue'; readonly catchup: boolean; readonly queued: number } & FireFields)
  /** Fires missed while no scheduler ran (or while the machine slept): how many, and what happens to them. */
  | { readonly type: 'catchup:plan'; readonly pipeline: string; readonly policy: CatchupPolicy; readonly missed: number; readonly missedAtLeast: boolean; readonly run: readonly string[]; readonly dropped: number; readonly paused: boolean }
  /** The pattern never matches again (e.g. a date in the past); the pipeline stops firing. */
  | { readonly type: 'pipeline:end'; readonly pipeline: string }
  | ({ readonly type: 'run:finish'; readonly runId: string; readonly status: RunStatus } & FireFields)
  | ({ readonly type: 'run:error'; readonly message: string } & FireFields)
  | ({ readonly type: 'run:cancel' } & FireFields)
  | { readonly type: 'queue:drop'; readonly pipeline: string; readonly dropped: number }
  /** Specs were loaded again (SIGHUP): how many files were read and how many pipelines are scheduled. */
  | { readonly type: 'scheduler:reload'; readonly files: number; readonly scheduled: number }
  | { readonly type: 'scheduler:error'; readonly pipeline?: string; readonly message: string }
  | { readonly type: 'scheduler:stopping'; readonly running: number; readonly graceMs: number }
  | { readonly type: 'scheduler:stop'; readonly cancelled: number; readonly abandoned: number }
  /** Stopping at once (a second SIGTERM/SIGINT): `running` runs were cancelled and not waited for. */
  | { readonly type: 'scheduler:abort'; readonly running: number }
)

export type SchedulerEventType = SchedulerEvent['type']

/** The event of one type. */
export type SchedulerEventOf<T extends SchedulerEventType> = Extract<SchedulerEvent, { readonly type: T }>

/** Distributes `Omit` over the union, so each member keeps its own fields. */
export type SchedulerEventInput = SchedulerEvent extends infer E ? (E extends SchedulerEvent ? Omit<E, 'at'> : never) : never
