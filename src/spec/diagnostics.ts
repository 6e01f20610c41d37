/**
 * Diagnostics: spec problems are values, not exceptions. Every code here is documented in
 * docs/errors.md (a test checks the list is complete).
 */
export const DIAGNOSTIC_CODES = [
  // reading and parsing
  'FILE_UNREADABLE',
  'FILE_TOO_LARGE',
  'NOT_TEXT',
  'INVALID_ENCODING',
  'YAML_SYNTAX',
  'DUPLICATE_KEY',
  'ALIAS_LIMIT',
  'RECURSIVE_ALIAS',
  'NESTING_TOO_DEEP',
  'MULTIPLE_DOCUMENTS',
  'NOT_A_PIPELINE',
  // shape (JSON Schema)
  'SCHEMA',
  'UNKNOWN_KEY',
  'MISSING_FIELD',
  'WRONG_TYPE',
  'INVALID_ENUM',
  'INVALID_NAME',
  'INVALID_VALUE',
  'RESERVED_KEY',
  // meaning
  'INVALID_REFERENCE',
  'UNKNOWN_TASK',
  'UNKNOWN_PARAM',
  'UNKNOWN_VALUE',
  'UNKNOWN_IO',
  'UNKNOWN_TYPE',
  'UNKNOWN_IO_TYPE',
  'IO_CONFIG',
  'UNKNOWN_TARGET',
  'TARGET_CONFIG',
  'SELF_DEPENDENCY',
  'DEPENDENCY_CYCLE',
  'INVALID_DURATION',
  'INVALID_CRON',
  'UNKNOWN_TIMEZONE',
  'INVALID_TRIGGER',
  'INVALID_SCHEMA',
  'INVALID_DEFAULT',
  'NOT_JSON',
  'KEY_NOT_STRING',
  'HANDLER_NOT_FOUND',
  'HANDLER_OUTSIDE_PROJECT',
  'HANDLER_EXPORT_MISSING',
  'HANDLER_SYNTAX_ERROR',
  'HANDLER_NOT_A_FUNCTION',
  'OUTPUT_PATH_ON_TABLE',
  'OUTPUT_FIELD_UNKNOWN',
  // mapped tasks (`foreach`, docs/fan-out.md)
  'FOREACH_NOT_ARRAY',
  'ITEM_OUTSIDE_MAP',
  'ITEM_FIELD_UNKNOWN',
  'MAP_OUTPUT_PATH',
  'CONCAT_UNKNOWN_INPUT',
  'CONCAT_NOT_FAN_IN',
  'CONCAT_NOT_MAPPED',
  'CONCAT_NOT_TABLE',
  'UNKNOWN_TEMPLATE_VARIABLE',
  // types (`spec validate --typecheck`)
  'HANDLER_TYPE_ERROR',
  'HANDLER_SIGNATURE_MISMATCH',
  'TYPECHECK_UNAVAILABLE',
  // remote targets (Databricks, Argo): what a target cannot express
  'TARGET_UNSUPPORTED',
  // warnings
  'UNUSED_PARAM',
  'TOLERATED_FAILURE_INPUT',
  'UNUSED_IO',
  'TIMEZONE_SPELLING',
  'HANDLER_NOT_CHECKED',
] as const

export type DiagnosticCode = (typeof DIAGNOSTIC_CODES)[number]

export interface Diagnostic {
  readonly severity: 'error' | 'warning'
  readonly code: DiagnosticCode
  /** One sentence: what is wrong, the user's value in quotes, and the fix or the valid choices. */
  readonly message: string
  /** JSON pointer of the offending node, e.g. `/tasks/summarize/inputs/orders`; `` for the document. */
  readonly pointer: string
  /** 1-based line of the offending node. */
  readonly line: number
  /** 1-based column of the offending node. */
  readonly column: number
  /** 1-based line and column just past the node, for carets spanning the node. */
  readonly endLine?: number
  readonly endColumn?: number
}

/** What a rule reports: where (a pointer, optionally the key rather than the value) and what. */
export interface Finding {
  readonly severity?: 'error' | 'warning'
  readonly code: DiagnosticCode
  readonly pointer: string
  readonly message: string
  /** Point at the mapping key of `pointer` instead of its value (for unknown keys, bad ids). */
  readonly atKey?: boolean
  /** Character offsets within the node's source, to narrow a caret to part of a string. */
  readonly span?: { readonly start: number; readonly end: number }
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error')
}

/** Sorts by position, errors before warnings at the same place. */
export function sortDiagnostics(diagnostics: Diagnostic[]): Diagnostic[] {
  return diagnostics.sort(
    (a, b) =>
      a.line - b.line ||
      a.column - b.column ||
      (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1),
  )
}
