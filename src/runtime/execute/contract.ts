/**
 * The `weir execute` contract (modelled on flytekit's `pyflyte-execute`): what one task process reads
 * and writes, and what its exit code means. The subprocess executor and the generated Databricks
 * and Argo jobs rely on it; docs/remote.md describes it for users.
 *
 * Under the task's output prefix (`--output-prefix`, or the folder its IoManager would use):
 * - the output itself, written by the task's IoManager (`output.json`, `output.parquet`, …);
 * - `outputs.json`: `{ output?: StoredRef, values }`, how downstream tasks find the output;
 * - `values.json`: the task values the handler set;
 * - `error.json` on failure: `{ code, message, stack?, origin, recoverable, timedOut?, attempt, timestamp }`.
 */
import type { ErrorInfo, StoredRef } from '../../plugins/types.ts'

/**
 * Exit codes of `weir execute`. Engines only see these, so they carry the retry decision. A handler
 * that ends the process itself (`process.exit(3)`) cannot claim one: that exit is made `userError`
 * (src/cli/guard-unfinished-exit.ts) and recorded as HANDLER_EXIT (record-early-exit.ts).
 */
export const EXECUTE_EXIT = {
  ok: 0,
  /** The handler failed (or the user's data was wrong) and a retry may help. */
  userError: 1,
  /** Bad arguments or an invalid spec: no retry can help. */
  usage: 2,
  /** A failure no retry can fix (NonRetryableError, invalid output, a non-retryable timeout). */
  nonRecoverable: 3,
  /** weir, a plugin or the machine failed; a retry may help. */
  systemError: 4,
  /** Stopped by SIGTERM (128 + 15); SIGINT gives 130. */
  cancelled: 143,
} as const

/**
 * Set to `1` by the subprocess executor for each `weir execute` it starts: the command line carries
 * the run's resolved params, so an empty `--param NAME=` is the empty string. Without it, an empty
 * value counts as not given, because engines pass an unset job parameter as empty.
 */
export const PARAMS_RESOLVED_ENV = 'WEIR_PARAMS_RESOLVED'

/**
 * Set by the subprocess executor to the sha256 (hex) of the spec text the run validated: while the
 * spec file still holds that text, `weir execute` parses it without checking it again; a spec whose
 * text changed since is refused (exit 2), since the run planned its tasks from the text it validated.
 */
export const SPEC_HASH_ENV = 'WEIR_SPEC_SHA256'

/**
 * Set by the subprocess executor, beside `WEIR_SPEC_SHA256`, to the path of the run's spec plan: the
 * validated spec's data as JSON (`{specSha256, data}`, spec/spec-plan.ts), which `weir execute` reads
 * instead of parsing the YAML while the spec file's hash is the plan's. Ignored without the hash.
 */
export const SPEC_PLAN_ENV = 'WEIR_SPEC_PLAN'

export const OUTPUTS_DOCUMENT = 'outputs.json'
export const VALUES_DOCUMENT = 'values.json'
export const ERROR_DOCUMENT = 'error.json'
/** `items.json` at a mapped task's prefix: what `weir execute --list-items` found (docs/fan-out.md). */
export const ITEMS_DOCUMENT = 'items.json'

export { INDEXES_VALUE, LIST_FAILED_INDEX, TASK_VALUE_DIR_ENV } from '../../spec/map-protocol.ts'

/** `items.json`: the list of a mapped task as `--list-items` resolved it, or why it could not. */
export type ItemsDocument =
  /** `items` is absent when each item is read from a mapped upstream's own item output (map → map). */
  | { readonly count: number; readonly items?: readonly unknown[]; readonly error?: undefined }
  | { readonly error: ErrorInfo; readonly count?: undefined }

/** `--inputs`: where the upstream outputs and values are (task id → …). */
export interface InputsDocument {
  readonly outputs: Readonly<Record<string, StoredRef>>
  readonly values: Readonly<Record<string, Readonly<Record<string, unknown>>>>
  /** Mapped upstream tasks: each item's stored output in item order, `null` for none (fan-in, map → map). */
  readonly itemOutputs?: Readonly<Record<string, readonly (StoredRef | null)[]>>
}

/** `outputs.json`: what a succeeded task produced. */
export interface OutputsDocument {
  readonly output?: StoredRef
  readonly values: Readonly<Record<string, unknown>>
  readonly attempt: number
  /** A cache hit: the run whose output was reused, and the key (docs/caching.md). */
  readonly cachedFrom?: { readonly runId: string; readonly key: string }
}

/** `error.json`: why an attempt failed. */
export interface ErrorDocument extends ErrorInfo {
  readonly attempt: number
  /** ISO 8601. */
  readonly timestamp: string
  readonly task: string
  readonly runId: string
}

/**
 * The exit code of a failed attempt. The codes are weir's verdicts: only weir's own `CANCELLED`
 * (origin system) exits as a cancel; a handler's error that carries that code is the handler's
 * failure like any other (docs/remote.md#the-weir-execute-contract).
 */
export function exitCodeOf(error: ErrorInfo): number {
  if (error.code === 'CANCELLED' && error.origin === 'system') return EXECUTE_EXIT.cancelled
  if (!error.recoverable) return EXECUTE_EXIT.nonRecoverable
  return error.origin === 'user' ? EXECUTE_EXIT.userError : EXECUTE_EXIT.systemError
}
