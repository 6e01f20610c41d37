/**
 * What the graph needs to know of a run: one entry per task that has a result. Kept to a plain
 * object so any source (the run store, `run --json`, a test) can feed the renderers.
 */
import type { SkipReason, TaskLifecycleStatus, TaskStatus } from '../../spec/task-status.ts'

/** One task's outcome in the run being drawn. */
export interface GraphTaskState {
  readonly status: TaskLifecycleStatus
  readonly attempts: number
  readonly durationMs?: number
  readonly skipReason?: SkipReason
  /** The last attempt's error, when the task failed. */
  readonly error?: { readonly code?: string; readonly message: string }
  /** The run whose output a resumed run reused instead of running the task again. */
  readonly reusedFrom?: string
  /** A cache hit: the run whose output was reused (docs/caching.md). */
  readonly cachedFrom?: string
  /** A mapped task: its items by outcome, `3/4 items succeeded, 1 failed` (docs/fan-out.md). */
  readonly items?: string
}

/** A run, reduced to what the graph shows. Tasks absent from `tasks` are drawn as "not run". */
export interface GraphRun {
  readonly runId: string
  /** The run's status (`succeeded`, `failed`, `running`, …), shown in the HTML header. */
  readonly status?: string
  readonly startedAt?: string
  readonly tasks: Readonly<Record<string, GraphTaskState>>
}

/** How a node is styled: a task status, or `not_run` for a task the run never reached. */
export type NodeState = TaskLifecycleStatus | 'not_run'

/** The state a task is drawn with in `run`. */
export function nodeStateOf(run: GraphRun, taskId: string): NodeState {
  return run.tasks[taskId]?.status ?? 'not_run'
}

/** The fields of a run record (`RunResult`, or a run store entry) the graph reads. */
export interface RunRecordLike {
  readonly runId: string
  readonly status?: string
  readonly startedAt?: string
  readonly tasks: Readonly<Record<string, TaskResultLike>>
}

/** The fields of a `TaskResult` the graph reads. */
export interface TaskResultLike {
  readonly status: TaskStatus
  readonly attempts: number
  readonly durationMs?: number
  readonly startedAt?: string
  readonly finishedAt?: string
  readonly skipReason?: SkipReason
  readonly error?: { readonly code?: string; readonly message: string }
}

/** Reduces a run record to what the graph shows; the duration falls back to finishedAt − startedAt. */
export function toGraphRun(record: RunRecordLike): GraphRun {
  const tasks: Record<string, GraphTaskState> = {}
  for (const [id, result] of Object.entries(record.tasks)) {
    const durationMs = result.durationMs ?? elapsedMs(result.startedAt, result.finishedAt)
    tasks[id] = {
      status: result.status,
      attempts: result.attempts,
      ...(durationMs !== undefined && { durationMs }),
      ...(result.skipReason !== undefined && { skipReason: result.skipReason }),
      ...(result.error !== undefined && { error: { ...(result.error.code !== undefined && { code: result.error.code }), message: result.error.message } }),
    }
  }
  return {
    runId: record.runId,
    ...(record.status !== undefined && { status: record.status }),
    ...(record.startedAt !== undefined && { startedAt: record.startedAt }),
    tasks,
  }
}

function elapsedMs(startedAt: string | undefined, finishedAt: string | undefined): number | undefined {
  if (startedAt === undefined || finishedAt === undefined) return undefined
  const ms = Date.parse(finishedAt) - Date.parse(startedAt)
  return Number.isFinite(ms) && ms >= 0 ? ms : undefined
}

/** The fields of a run store record (`loadRun`) the graph reads; times in epoch milliseconds. */
export interface StoredRunLike {
  readonly runId: string
  readonly status: string
  readonly startedAt: number
  readonly tasks: Readonly<
    Record<
      string,
      {
        readonly status: TaskLifecycleStatus
        readonly attempts: readonly unknown[]
        readonly startedAt?: number
        readonly finishedAt?: number
        readonly skipReason?: SkipReason
        readonly error?: { readonly code?: string; readonly message: string }
        readonly reusedFrom?: string
        readonly cachedFrom?: { readonly runId: string }
        readonly items?: readonly { readonly status: string }[]
      }
    >
  >
}

/** Reduces a run from the run store to what the graph shows. */
export function fromStoredRun(record: StoredRunLike): GraphRun {
  const tasks: Record<string, GraphTaskState> = {}
  for (const [id, task] of Object.entries(record.tasks)) {
    const durationMs = task.startedAt !== undefined && task.finishedAt !== undefined ? Math.max(0, task.finishedAt - task.startedAt) : undefined
    tasks[id] = {
      status: task.status,
      attempts: task.attempts.length,
      ...(durationMs !== undefined && { durationMs }),
      ...(task.skipReason !== undefined && { skipReason: task.skipReason }),
      ...(task.error !== undefined && { error: { ...(task.error.code !== undefined && { code: task.error.code }), message: task.error.message } }),
      ...(task.reusedFrom !== undefined && { reusedFrom: task.reusedFrom }),
      ...(task.cachedFrom !== undefined && { cachedFrom: task.cachedFrom.runId }),
      ...(task.items !== undefined && { items: describeItems(task.items) }),
    }
  }
  return { runId: record.runId, status: record.status, startedAt: new Date(record.startedAt).toISOString(), tasks }
}

/** `3/4 items succeeded, 1 failed`: a mapped task's items by status. */
function describeItems(items: readonly { readonly status: string }[]): string {
  const counts = new Map<string, number>()
  for (const item of items) counts.set(item.status, (counts.get(item.status) ?? 0) + 1)
  const n = (x: number): string => x.toLocaleString('en-US')
  const parts = [`${n(counts.get('succeeded') ?? 0)}/${n(items.length)} items succeeded`]
  for (const status of ['failed', 'cancelled', 'running', 'interrupted']) if (counts.get(status)) parts.push(`${n(counts.get(status)!)} ${status}`)
  return parts.join(', ')
}
