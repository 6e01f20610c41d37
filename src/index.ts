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
