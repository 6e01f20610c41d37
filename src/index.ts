/**
 * weir's public API. Start narrow: what is here is supported; `@experimental` marks what may change.
 */
export type { Diagnostic, DiagnosticCode } from './spec/diagnostics.ts'
export { DIAGNOSTIC_CODES } from './spec/diagnostics.ts'
export { validateSpec, validateSpecFile } from './spec/validate.ts'
export type { ValidateOptions, ValidateResult } from './spec/validate.ts'
export type {
  Pipeline, Task, Edge, InputBinding, Reference, RetryPolicy, OutputDecl, Schedule, TriggerRule, JsonSchema, ColumnType,
} from './spec/model.ts'
export { TRIGGER_RULES } from './spec/model.ts'

/** Running pipelines (see docs/running.md). */
export { runPipeline } from './run-with-builtins.ts'
export type { RunOptions, RunResult, RunEvent, TaskResult, TaskStatus, RunStatus, RunTrigger, SkipReason, ItemCounts } from './runtime/api.ts'
/** Thrown by a handler to fail its task without retries; recognised by `code === 'NON_RETRYABLE'`. */
export { NonRetryableError } from './runtime/errors.ts'
export { shouldRetry, retryDelayMs } from './runtime/retry.ts'
/** weir's error base class: a `code`, a message and the `cause` passed on. Check `err.code`, not `instanceof`. */
export { WeirError } from './spec/weir-error.ts'
export type { WeirErrorOptions } from './spec/weir-error.ts'
export type { HandlerContext } from './runtime/attempt.ts'
export type { TaskValues } from './runtime/task-values.ts'
/** Reading the run store (`weir runs`). @experimental */
export { listRuns, loadRun } from './runtime/run-store/read-runs.ts'
export type { RunRecord, RunSummary, TaskRecord, AttemptRecord } from './runtime/run-store/records.ts'
export type { TaskLifecycleStatus } from './spec/task-status.ts'

/** Generated handler types and checking handlers against them (see docs/handlers.md). @experimental */
export { generateTypes } from './codegen/generate-types.ts'
export type { GenerateTypesOptions } from './codegen/generate-types.ts'
export { typecheckPipelines } from './codegen/typecheck.ts'
