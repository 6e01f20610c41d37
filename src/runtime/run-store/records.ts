/**
 * The run store's shapes: a task's state, the run record replayed from the journal, and the summary.
 * The journal's line format is journal-codec.ts. A run lives in `<stateDir>/runs/<runId>/`:
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
import type { ItemStatus } from '../map/derive-status.ts'

/** Bumped when the journal format changes incompatibly. */
export const JOURNAL_VERSION = 1

/** What identifies a run and how it was started: the journal's header, and the head of a `RunRecord`. */
export interface RunIdentity {
  readonly runId: string
  readonly pipeline: string
  readonly specHash: string
  readonly sourcePath: string
  readonly params: Readonly<Record<string, unknown>>
  readonly trigger: RunTrigger
  readonly scheduledAt?: string
  readonly resumedFrom?: string
  /** The process running the run, and its host. */
  readonly pid: number
  readonly host: string
  /** When that process started (Linux /proc), so a pid a newer process took over does not keep a killed run 'running'. */
  readonly pidStartTime?: string
}

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

/**
 * The one shape of a task's state: the run loop keeps it live, the store replays it from the journal,
 * the terminal display and the graph read it. It changes only through `applyTaskEvent`
 * (apply-task-event.ts), from the run's events.
 */
export interface TaskRecord {
  readonly id: string
  status: TaskLifecycleStatus
  readonly attempts: AttemptRecord[]
  output?: StoredRef
  values?: Readonly<Record<string, unknown>>
  error?: ErrorInfo
  skipReason?: SkipReason
  /** Set when a resumed run reused this task's output from an earlier run. */
  reusedFrom?: string
  /** Set when the task was a cache hit: the run whose output it reused, and the key. */
  cachedFrom?: { readonly runId: string; readonly key: string }
  startedAt?: number
  finishedAt?: number
  /**
   * A mapped task's items, in item order, once its list was read (`task:map`); absent for other
   * tasks. The task's own `values` are then the fan-in lists (each name → one value per item).
   */
  items?: ItemRecord[]
  /** The hash of a mapped task's list (`task:map`): a resume reuses items only of the same list. */
  itemsHash?: string
}

/**
 * One item of a mapped task. Kept small (a 10,000-item map holds 10,000 of these): the attempt
 * count and the last error, not an array of attempts.
 */
export interface ItemRecord {
  status: ItemStatus
  /** Attempts started so far. */
  attempts: number
  output?: StoredRef
  values?: Readonly<Record<string, unknown>>
  /** The error of the last failed attempt. */
  error?: ErrorInfo
  startedAt?: number
  finishedAt?: number
  /** Set when a resumed run reused this item's output from an earlier run. */
  reusedFrom?: string
  cachedFrom?: { readonly runId: string; readonly key: string }
}

/** One run, replayed from its journal. Times are epoch milliseconds except where named ISO. */
export interface RunRecord extends RunIdentity {
  status: RunStatus
  readonly startedAt: number
  finishedAt?: number
  /** Task ids in the order of the pipeline. */
  readonly taskOrder: readonly string[]
  readonly tasks: Record<string, TaskRecord>
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
