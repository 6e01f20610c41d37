/**
 * The JSON shapes `weir ui`'s server sends and its page reads: one file both sides import (types
 * only), with no imports of its own so the browser bundle's type check needs no Node types.
 * Times are epoch milliseconds unless named ISO.
 */

export type UiRunStatus = 'succeeded' | 'failed' | 'cancelled' | 'interrupted' | 'running'
export type UiTaskStatus = 'pending' | 'running' | 'succeeded' | 'failed' | 'skipped' | 'cancelled' | 'interrupted'

/** One diagnostic of an invalid spec, with its position in the file. */
export interface UiDiagnostic {
  readonly severity: 'error' | 'warning'
  readonly code: string
  readonly message: string
  readonly line: number
  readonly column: number
}

/** One line of the runs page (a run's summary.json). */
export interface UiRunSummary {
  readonly runId: string
  readonly pipeline: string
  readonly status: UiRunStatus
  readonly trigger: string
  /** ISO 8601. */
  readonly startedAt: string
  readonly durationMs?: number
  readonly resumedFrom?: string
  readonly taskCounts: Readonly<Partial<Record<UiTaskStatus, number>>>
}

/** One spec file on the pipelines page. */
export interface UiPipeline {
  /** The pipeline's name, or undefined when the file is too broken to have one. */
  readonly name?: string
  /** The spec file, relative to the folder `weir ui` was started in. */
  readonly path: string
  readonly description?: string
  readonly valid: boolean
  readonly diagnostics: readonly UiDiagnostic[]
  readonly taskCount?: number
  readonly lastRun?: UiRunSummary
  readonly schedule?: { readonly cron: string; readonly timezone: string; readonly description: string; readonly paused: boolean; readonly fires: readonly string[] }
}

/** A param as the start form needs it: its schema (a secret's default left out), whether it is required or secret. */
export interface UiParam {
  readonly name: string
  readonly schema: unknown
  readonly required: boolean
  readonly secret: boolean
  /** The default, when there is one and the param is not a secret. */
  readonly default?: unknown
}

export interface UiEdge {
  readonly from: string
  readonly to: string
  readonly kind: 'data' | 'value' | 'needs'
}

export interface UiGraph {
  /** Task ids in the pipeline's order. */
  readonly tasks: readonly string[]
  readonly edges: readonly UiEdge[]
}

export interface UiPipelineDetail {
  readonly name: string
  readonly path: string
  readonly params: readonly UiParam[]
  readonly graph: UiGraph
}

export interface UiError {
  readonly code: string
  readonly message: string
  readonly stack?: string
  readonly origin: 'user' | 'system'
}

export interface UiAttempt {
  readonly attempt: number
  readonly status: 'running' | 'succeeded' | 'failed' | 'cancelled' | 'interrupted'
  readonly startedAt: number
  readonly finishedAt?: number
  readonly error?: UiError
  /** The wait before the next attempt, when this one was retried. */
  readonly retryDelayMs?: number
}

export interface UiTask {
  readonly id: string
  readonly status: UiTaskStatus
  readonly attempts: readonly UiAttempt[]
  readonly startedAt?: number
  readonly finishedAt?: number
  readonly error?: UiError
  readonly skipReason?: string
  readonly reusedFrom?: string
  /** The run whose cached output this task reused (docs/caching.md). */
  readonly cachedFrom?: string
  /** A mapped task (docs/fan-out.md): its item counts (`3/10 succeeded, 1 failed`) and its first failed items. */
  readonly items?: { readonly counts: string; readonly failed: readonly string[] }
  readonly values?: Readonly<Record<string, unknown>>
  readonly output?: { readonly uri: string; readonly format: string; readonly io: string; readonly sizeBytes?: number }
}

/** A run as the run page draws it. Params are redacted (no secret value ever reaches the page). */
export interface UiRun {
  readonly runId: string
  readonly pipeline: string
  readonly status: UiRunStatus
  readonly trigger: string
  readonly startedAt: number
  readonly finishedAt?: number
  readonly scheduledAt?: string
  readonly resumedFrom?: string
  readonly params: Readonly<Record<string, unknown>>
  readonly host: string
  readonly pid: number
  readonly tasks: readonly UiTask[]
  readonly graph: UiGraph
  /** Whether this server can cancel it (running, on this host) and resume it (finished unsuccessfully, spec found). */
  readonly canCancel: boolean
  readonly canResume: boolean
  /** Params a resume must be given again: secrets the run did not record. */
  readonly resumeParams: readonly UiParam[]
}

export interface UiRunPage {
  readonly runs: readonly UiRunSummary[]
  readonly total: number
  readonly page: number
  readonly pageSize: number
  readonly pipelines: readonly string[]
}

export interface UiLogChunk {
  readonly text: string
  /** Byte offset to ask for next (`?from=`). */
  readonly next: number
  /** Whether earlier bytes were left out. */
  readonly truncated: boolean
}

export type UiOutputPreview =
  | { readonly kind: 'none' }
  | { readonly kind: 'json'; readonly uri: string; readonly sizeBytes: number; readonly text: string; readonly truncated: boolean }
  /** `rows`: one text per column, in the columns' order (null for a null); dates, NaN, 64-bit integers and bytes written out (table-preview.ts). */
  | { readonly kind: 'table'; readonly uri: string; readonly sizeBytes: number; readonly columns: readonly { readonly name: string; readonly type: string }[]; readonly rows: readonly (readonly (string | null)[])[]; readonly rowCount: number }
  | { readonly kind: 'ref'; readonly uri: string; readonly sizeBytes?: number; readonly format: string; readonly reason: string }

/** What an action answers with on success. */
export interface UiStarted {
  readonly runId: string
}

/** What every refused request answers with. */
export interface UiProblem {
  readonly error: string
  /** The param at fault, for a params form. */
  readonly param?: string
}
