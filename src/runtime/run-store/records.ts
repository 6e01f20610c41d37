/**
 * The run store's shapes: journal records (one JSON object per line of `journal.jsonl`, append-only)
 * and the run record replayed from them. A run lives in `<stateDir>/runs/<runId>/`:
 *
 * ```
 * journal.jsonl   every state change, appended in batches (group commit)
 * summary.json    written once the run finished (atomic rename); makes `weir runs` cheap
 * logs/<task>.log what each task's handler logged, every attempt
 * processes/<pid> task processes working for the run while they live (run-processes.ts)
 * resume-<n>.lock held by the process resuming this run, while it runs (resume-lock.ts)
 * ```
 */
import type { ErrorInfo, StoredRef } from '../../plugins/types.ts'
import type { RunStatus, RunTrigger, SkipReason } from '../api.ts'
import type { TaskLifecycleStatus } from '../../spec/task-status.ts'

/** Bumped when the journal format changes incompatibly. */
export const JOURNAL_VERSION = 1

export type JournalRecord =
  | {
      readonly e: 'run'
      readonly v: number
      readonly runId: string
      readonly pipeline: string
      readonly specHash: string
      readonly sourcePath: string
      readonly params: Readonly<Record<string, unknown>>
      readonly trigger: RunTrigger
      readonly scheduledAt?: string
      readonly resumedFrom?: string
      readonly tasks: readonly string[]
      readonly at: number
      readonly pid: number
      readonly host: string
    }
  | { readonly e: 'reuse'; readonly task: string; readonly from: string; readonly output?: StoredRef; readonly values?: Readonly<Record<string, unknown>>; readonly at: number }
  | { readonly e: 'start'; readonly task: string; readonly attempt: number; readonly at: number }
  | { readonly e: 'retry'; readonly task: string; readonly attempt: number; readonly delayMs: number; readonly error: ErrorInfo; readonly at: number }
  | { readonly e: 'succeed'; readonly task: string; readonly attempt: number; readonly output?: StoredRef; readonly values?: Readonly<Record<string, unknown>>; readonly at: number }
  | { readonly e: 'fail'; readonly task: string; readonly attempt: number; readonly error: ErrorInfo; readonly at: number }
  | { readonly e: 'skip'; readonly task: string; readonly reason: SkipReason; readonly at: number }
  | { readonly e: 'cancel'; readonly task: string; readonly attempt?: number; readonly at: number }
  | { readonly e: 'finish'; readonly status: Exclude<RunStatus, 'running' | 'interrupted'>; readonly at: number }

export interface AttemptRecord {
  readonly attempt: number
  status: 'running' | 'succeeded' | 'failed' | 'cancelled' | 'interrupted'
  readonly startedAt: number
  finishedAt?: number
  error?: ErrorInfo
  output?: StoredRef
  /** The wait before the next attempt, when this one was retried. */
  retryDelayMs?: number
}

/** How far a task got: the fields the run loop keeps live and the store replays, in one shape. */
export interface TaskProgress {
  output?: StoredRef
  values?: Readonly<Record<string, unknown>>
  error?: ErrorInfo
  skipReason?: SkipReason
  /** Set when a resumed run reused this task's output from an earlier run. */
  reusedFrom?: string
  startedAt?: number
  finishedAt?: number
}

/** A task as the store replays it: its progress plus every attempt. */
export interface TaskRecord extends TaskProgress {
  readonly id: string
  status: TaskLifecycleStatus
  readonly attempts: AttemptRecord[]
}

/** One run, replayed from its journal. Times are epoch milliseconds except where named ISO. */
export interface RunRecord {
  readonly runId: string
  readonly pipeline: string
  readonly specHash: string
  readonly sourcePath: string
  readonly params: Readonly<Record<string, unknown>>
  readonly trigger: RunTrigger
  readonly scheduledAt?: string
  readonly resumedFrom?: string
  status: RunStatus
  readonly startedAt: number
  finishedAt?: number
  /** Task ids in the order of the pipeline. */
  readonly taskOrder: readonly string[]
  readonly tasks: Record<string, TaskRecord>
  readonly pid: number
  readonly host: string
  /** Task processes (of the subprocess executor) still working for the run, when it is running. */
  readonly taskProcesses?: readonly number[]
  /** Folder of the run in the store. */
  readonly dir: string
  /** Folder of the per-task logs (`<task>.log`). */
  readonly logDir: string
}

/** One line of `weir runs`; also `summary.json` of a finished run. */
export interface RunSummary {
  readonly runId: string
  readonly pipeline: string
  readonly status: RunStatus
  readonly trigger: RunTrigger
  /** ISO 8601. */
  readonly startedAt: string
  readonly finishedAt?: string
  readonly durationMs?: number
  readonly scheduledAt?: string
  readonly resumedFrom?: string
  readonly specHash: string
  readonly taskCounts: Readonly<Partial<Record<TaskLifecycleStatus, number>>>
}
