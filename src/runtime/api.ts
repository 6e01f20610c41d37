/**
 * The runtime's public contract: what `runPipeline` takes and returns, the run statuses and the
 * events. `weir run`, `weir schedule`, `weir execute`, the graph view and tests program against
 * this file; the implementation lives beside it.
 */
import type { Pipeline } from '../spec/model.ts'
import type { ErrorInfo, Executor, ExecutorPlugin, IoPlugin, StoredRef } from '../plugins/types.ts'
import type { SkipReason, TaskStatus } from '../spec/task-status.ts'
import type { ItemCounts } from './map/derive-status.ts'

export type { SkipReason, TaskStatus } from '../spec/task-status.ts'
export type { ItemCounts } from './map/derive-status.ts'

/** Final status of a run; `interrupted` is what the run store shows for a run whose process died. */
export type RunStatus = 'succeeded' | 'failed' | 'cancelled' | 'interrupted' | 'running'
export type RunTrigger = 'manual' | 'schedule' | 'resume'

/** A cache hit (docs/caching.md): the run whose output was reused, and the key. */
export interface CachedFrom {
  readonly runId: string
  readonly key: string
}

export interface TaskResult {
  readonly status: TaskStatus
  /** A cache hit: the task succeeded without running; its output and values come from this run. */
  readonly cachedFrom?: CachedFrom
  readonly attempts: number
  /** URI of the stored output (`file://…`, `gs://…`). */
  readonly output?: string
  readonly error?: ErrorInfo
  readonly skipReason?: SkipReason
  readonly values?: Readonly<Record<string, unknown>>
  readonly startedAt?: string
  readonly finishedAt?: string
  readonly durationMs?: number
  /** A mapped task: its items by status (docs/fan-out.md). `output` is then absent: each item has its own. */
  readonly items?: ItemCounts
}

/** `run --json` prints exactly `{ runId, pipeline, status, tasks }` of this. */
export interface RunResult {
  readonly runId: string
  readonly pipeline: string
  readonly status: Exclude<RunStatus, 'running' | 'interrupted'>
  readonly tasks: Readonly<Record<string, TaskResult>>
}

export interface RunOptions {
  /** Param values (already typed); defaults from the spec fill the rest. */
  readonly params?: Readonly<Record<string, unknown>>
  /** Most tasks running at once. @default 4 */
  readonly concurrency?: number
  /**
   * Runs attempts: an executor plugin (created with the run's env and host, closed when the run
   * ends), or an `Executor` the caller made and closes. @default each attempt in this process
   */
  readonly executor?: Executor | ExecutorPlugin<never>
  /**
   * IoManager plugins available to the run. The runtime knows no concrete plugin: the public
   * `runPipeline` (src/run-with-builtins.ts, also `weir run` and `weir schedule`) fills in the
   * built-ins; the runtime's own `runPipeline` has none. @default the built-ins
   */
  readonly ioPlugins?: readonly IoPlugin<never>[]
  /** Root of local state (run store, fs outputs). @default `.weir` in the working directory */
  readonly stateDir?: string
  readonly trigger?: RunTrigger
  /** The fire time, for scheduled runs (ISO 8601). */
  readonly scheduledAt?: string
  /** Re-run the failed, skipped, cancelled and interrupted tasks of this run (and their downstream). */
  readonly resumeFrom?: string
  /** How the run uses the cache (docs/caching.md): `disabled` (`--no-cache`), `refresh` (`--refresh TASK`). @default cache on, nothing refreshed */
  readonly cache?: { readonly disabled?: boolean; readonly refresh?: readonly string[] }
  /** Stop starting new tasks after the first failure. @default false */
  readonly failFast?: boolean
  /** Cancels the run: running attempts are aborted and recorded `cancelled`. */
  readonly signal?: AbortSignal
  /** Receives every event of the run. */
  readonly onEvent?: (event: RunEvent) => void
  /** Fixed run id (tests, `weir execute`); generated when absent. */
  readonly runId?: string
  /** How long cancelled attempts may take to stop before they are recorded `cancelled` anyway. @default 5000 */
  readonly cancelGraceMs?: number
  /** Source of randomness for retry jitter, [0, 1). @internal tests inject it. @default Math.random */
  readonly random?: () => number
  /**
   * `false`: keep no record of the run in the run store (no journal, summary or task logs; `ctx.log`
   * lines are dropped), so it is neither listed by `weir runs` nor resumable. @internal embedding
   * and the bench. @default true
   */
  readonly history?: boolean
}

/** Events, named `noun:verb`. */
export type RunEvent =
  | {
      readonly type: 'run:start'
      readonly runId: string
      readonly pipeline: string
      readonly at: number
      readonly tasks: readonly string[]
      /** A resume: the run it resumes, and whether the spec changed since (reused outputs came from the old version). */
      readonly resume?: { readonly from: string; readonly specChanged: boolean }
    }
  | { readonly type: 'task:start'; readonly runId: string; readonly taskId: string; readonly attempt: number; readonly at: number }
  | { readonly type: 'task:retry'; readonly runId: string; readonly taskId: string; readonly attempt: number; readonly delayMs: number; readonly error: ErrorInfo; readonly at: number }
  | { readonly type: 'task:succeed'; readonly runId: string; readonly taskId: string; readonly attempt: number; readonly output?: StoredRef; readonly values?: Readonly<Record<string, unknown>>; readonly at: number; readonly cachedFrom?: CachedFrom }
  | { readonly type: 'task:fail'; readonly runId: string; readonly taskId: string; readonly attempt: number; readonly error: ErrorInfo; readonly at: number }
  | { readonly type: 'task:skip'; readonly runId: string; readonly taskId: string; readonly reason: SkipReason; readonly at: number }
  /** `attempt` is the attempt that was stopped, when one was running or waiting to retry. */
  | { readonly type: 'task:cancel'; readonly runId: string; readonly taskId: string; readonly attempt?: number; readonly at: number }
  /** A resumed run reuses the stored output of a task that succeeded in the run it resumes. */
  | { readonly type: 'task:reuse'; readonly runId: string; readonly taskId: string; readonly fromRunId: string; readonly output?: StoredRef; readonly values?: Readonly<Record<string, unknown>>; readonly at: number }
  /**
   * A mapped task read its list (docs/fan-out.md): `count` items will run; `hash` identifies the
   * list, so a resume reuses items only of the same list.
   */
  | { readonly type: 'task:map'; readonly runId: string; readonly taskId: string; readonly count: number; readonly hash: string; readonly at: number }
  /** Item `index` of a mapped task: the same lifecycle as a task's, per item (retries and timeout apply per item). */
  | { readonly type: 'item:start'; readonly runId: string; readonly taskId: string; readonly index: number; readonly attempt: number; readonly at: number }
  | { readonly type: 'item:retry'; readonly runId: string; readonly taskId: string; readonly index: number; readonly attempt: number; readonly delayMs: number; readonly error: ErrorInfo; readonly at: number }
  | { readonly type: 'item:succeed'; readonly runId: string; readonly taskId: string; readonly index: number; readonly attempt: number; readonly output?: StoredRef; readonly values?: Readonly<Record<string, unknown>>; readonly at: number; readonly cachedFrom?: CachedFrom }
  | { readonly type: 'item:fail'; readonly runId: string; readonly taskId: string; readonly index: number; readonly attempt: number; readonly error: ErrorInfo; readonly at: number }
  | { readonly type: 'item:cancel'; readonly runId: string; readonly taskId: string; readonly index: number; readonly attempt?: number; readonly at: number }
  /** A resumed run reuses the stored output of an item that succeeded in the run it resumes. */
  | { readonly type: 'item:reuse'; readonly runId: string; readonly taskId: string; readonly index: number; readonly fromRunId: string; readonly output?: StoredRef; readonly values?: Readonly<Record<string, unknown>>; readonly at: number }
  /**
   * The run store could not write a file of the run (`error.code`: ENOSPC, EDQUOT, EFBIG, EIO…).
   * `journal.jsonl`: the run stops as if cancelled (no task starts, running attempts are aborted),
   * a task whose success the journal did not take ends `cancelled`, and the run ends `failed`; the
   * store keeps it `interrupted`, as far as its journal got, for a resume once the cause is fixed.
   * `summary.json`: nothing else changes; the journal is whole and `listRuns` reads it instead.
   */
  | { readonly type: 'run:store-error'; readonly runId: string; readonly file: 'journal.jsonl' | 'summary.json'; readonly path: string; readonly error: ErrorInfo; readonly at: number }
  | { readonly type: 'run:finish'; readonly runId: string; readonly result: RunResult; readonly at: number }

/** The events that change one task's state (see run-store/apply-task-event.ts), items' events included. */
export type TaskEvent = Extract<RunEvent, { readonly taskId: string }>

/** The events of one item of a mapped task. */
export type ItemEvent = Extract<RunEvent, { readonly index: number }>

/** Runs a pipeline to completion. Implemented in run-pipeline.ts. */
export type RunPipeline = (pipeline: Pipeline, options?: RunOptions) => Promise<RunResult>
