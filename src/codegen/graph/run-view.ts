/**
 * What the graph needs to know of a run: one entry per task that has a result. Kept to a plain
 * object so any source (the run store, `run --json`, a test) can feed the renderers.
 */
import type { SkipReason, TaskStatus } from '../../runtime/api.ts'

/** One task's outcome in the run being drawn. */
export interface GraphTaskState {
  readonly status: TaskStatus
  readonly attempts: number
  readonly durationMs?: number
  readonly skipReason?: SkipReason
  /** The last attempt's error, when the task failed. */
  readonly error?: { readonly code?: string; readonly message: string }
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
export type NodeState = TaskStatus | 'not_run'

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
