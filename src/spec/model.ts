/**
 * The resolved pipeline model: the only shape the runtime, codegen and targets ever see.
 *
 * Terminology
 * - pipeline:  one spec file (`kind: Pipeline`), a DAG of tasks with params, types, io and a schedule.
 * - task:      one node of the DAG; runs one handler (an exported TypeScript function) once per attempt.
 * - edge:      an upstream → downstream dependency. A `data` edge comes from a `${{ tasks.x.output }}`
 *              reference, a `value` edge from `${{ tasks.x.values.y }}`, a `needs` edge orders only.
 * - run:       one execution of a pipeline, identified by a run id, recorded in the run store.
 * - attempt:   one try of a task inside a run (1-based); retries add attempts.
 * - IoManager: a plugin that stores a task's output and reads it back for downstream tasks.
 * - target:    a plugin that compiles a pipeline into another engine's job definition (Databricks, Argo).
 * - executor:  a plugin that runs one attempt of a task (in process, or as a `weir execute` subprocess).
 *
 * The written form (`PipelineSpec`, what the YAML says) stays inside `src/spec/`. This model has
 * defaults filled in, durations in milliseconds, retry policies expanded and references turned into
 * edges and input bindings.
 */

/** The six trigger rules; see docs/trigger-rules.md for the truth table. */
export const TRIGGER_RULES = [
  'all_success',
  'all_done',
  'all_failed',
  'one_success',
  'one_failed',
  'none_failed',
] as const
export type TriggerRule = (typeof TRIGGER_RULES)[number]

/** A JSON Schema as written in the spec (draft 2020-12). */
export type JsonSchema = { readonly [key: string]: unknown } | boolean

/** Column types a `table` output may declare; they map onto Apache Arrow types. */
export const COLUMN_TYPES = [
  'bool',
  'int8',
  'int16',
  'int32',
  'int64',
  'uint8',
  'uint16',
  'uint32',
  'uint64',
  'float32',
  'float64',
  'string',
  'binary',
  'date',
  'timestamp',
] as const
export type ColumnType = (typeof COLUMN_TYPES)[number]

/** What a task produces: any JSON value checked against a schema, an Arrow table, or undeclared. */
export type OutputDecl =
  | { readonly kind: 'json'; readonly schema: JsonSchema }
  | { readonly kind: 'table'; readonly columns: Readonly<Record<string, ColumnType>> }
  | { readonly kind: 'any' }

/** How a failed attempt is retried. Delays grow as `delayMs * factor^(attempt-1)`, capped at `maxDelayMs`. */
export interface RetryPolicy {
  /** Retries after the first attempt; 0 means one attempt only. */
  readonly maxRetries: number
  readonly delayMs: number
  readonly backoff: 'exponential' | 'fixed'
  readonly factor: number
  readonly maxDelayMs: number
  /** `full`: the delay is drawn uniformly from [0, computed]; `none`: exactly the computed delay. */
  readonly jitter: 'full' | 'none'
  /** Whether an attempt that timed out is retried (Databricks `retry_on_timeout`). */
  readonly retryOnTimeout: boolean
}

/** A `${{ … }}` expression, parsed. */
export type Reference =
  | { readonly kind: 'output'; readonly taskId: string; readonly path: readonly string[] }
  | { readonly kind: 'value'; readonly taskId: string; readonly name: string }
  | { readonly kind: 'param'; readonly name: string }
  | { readonly kind: 'run'; readonly field: RunField }
  /** The current item of a mapped task (`${{ item }}`, `${{ item.field }}`); see docs/fan-out.md. */
  | { readonly kind: 'item'; readonly path: readonly string[] }
  /** The 0-based position of the current item of a mapped task (`${{ item_index }}`). */
  | { readonly kind: 'item_index' }

/** Fields of the `run` namespace, available to inputs and command templates. */
export const RUN_FIELDS = ['id', 'pipeline', 'scheduled_at', 'trigger'] as const
export type RunField = (typeof RUN_FIELDS)[number]

/**
 * How one input of a task gets its value. A string that is exactly one `${{ … }}` becomes `ref`
 * (the value keeps its type); a string with text around references becomes `template` (a string).
 */
export type InputBinding =
  | { readonly kind: 'literal'; readonly value: unknown }
  /**
   * `concat: true`: the input is named in the task's `concat:`, so the fan-in of the mapped task's
   * table output arrives as one table (the items' rows in item order), not a list (docs/fan-out.md).
   */
  | { readonly kind: 'ref'; readonly ref: Reference; readonly concat?: true }
  | { readonly kind: 'template'; readonly parts: readonly (string | Reference)[] }
  | { readonly kind: 'object'; readonly entries: Readonly<Record<string, InputBinding>> }
  | { readonly kind: 'array'; readonly items: readonly InputBinding[] }

export type EdgeKind = 'data' | 'value' | 'needs'

/** A dependency of `to` on `from`. Two tasks may be joined by several edges of different kinds. */
export interface Edge {
  readonly from: string
  readonly to: string
  readonly kind: EdgeKind
  /** JSON pointer of the reference or `needs` entry that made this edge. */
  readonly pointer: string
}

/** A handler reference, resolved: an absolute module path and the export to call. */
export interface HandlerRef {
  /** As written in the spec, e.g. `../handlers/sales.ts#extract`. */
  readonly written: string
  /** Absolute path of the module file. */
  readonly modulePath: string
  /** The export to call; `default` when the spec names none. */
  readonly exportName: string
}

/**
 * What a mapped task is mapped over (`foreach:`): a reference to an upstream output, an upstream
 * value or a param, or a literal list. See docs/fan-out.md.
 */
export type MapSource =
  | { readonly kind: 'ref'; readonly ref: Extract<Reference, { kind: 'output' | 'value' | 'param' }> }
  | { readonly kind: 'literal'; readonly value: readonly unknown[] }

/** The `foreach:` of a mapped task: one run (an item) per element of the list. */
export interface MapDecl {
  readonly source: MapSource
  /** Most items of this task running at once; undefined: bounded by the run's concurrency only. */
  readonly concurrency?: number
  /** JSON pointer of the list (`/tasks/<id>/foreach` or `/tasks/<id>/foreach/items`). */
  readonly pointer: string
}

/** A task's caching settings (docs/caching.md); absent when the task is not cached. */
export interface CachePolicy {
  /** Part of the cache key; `''` when the spec gives none. */
  readonly version: string
  /** Entries older than this are a miss; undefined means they never expire. Not part of the key. */
  readonly ttlMs?: number
}

export interface Task {
  readonly id: string
  readonly description?: string
  readonly handler: HandlerRef
  readonly inputs: Readonly<Record<string, InputBinding>>
  /** Distinct upstream task ids (data, value and needs edges), in first-mention order. */
  readonly upstream: readonly string[]
  readonly edges: readonly Edge[]
  readonly output: OutputDecl
  /** Declared task values: name → JSON Schema. */
  readonly values: Readonly<Record<string, JsonSchema>>
  readonly retry: RetryPolicy
  /** Per-attempt timeout; undefined means none. */
  readonly timeoutMs?: number
  /** Name of the IoManager (a key of `Pipeline.io`). */
  readonly io: string
  readonly trigger: TriggerRule
  /** Present when the task is mapped over a list (`foreach:`): it runs once per item. */
  readonly foreach?: MapDecl
  /** Caching (`cache:` on the task, else `defaults.cache`); undefined when the task always runs. */
  readonly cache?: CachePolicy
  /** Command-line template override for remote execution (Handlebars), if the task sets one. */
  readonly command?: readonly string[]
  /** JSON pointer of the task in the spec, e.g. `/tasks/extract`. */
  readonly pointer: string
}

export interface ParamDecl {
  readonly name: string
  readonly schema: JsonSchema
  readonly hasDefault: boolean
  /**
   * A secret (the param's schema says `writeOnly: true`): its value is never written to the run
   * store or echoed in messages, so a resume must be given it again.
   */
  readonly secret: boolean
  readonly default?: unknown
}

/** One named IoManager instance: the plugin type plus its own config (everything but `type`). */
export interface IoDecl {
  readonly name: string
  readonly type: string
  readonly config: Readonly<Record<string, unknown>>
}

export type OverlapPolicy = 'skip' | 'queue' | 'allow'
export type CatchupPolicy = 'none' | 'latest' | 'all'

export interface Schedule {
  readonly cron: string
  /** IANA name; `UTC` when the spec sets none. */
  readonly timezone: string
  readonly overlap: OverlapPolicy
  readonly catchup: CatchupPolicy
  /** Upper bound on fires replayed by `catchup: all`. */
  readonly catchupLimit: number
  /** Param values for scheduled runs (override param defaults). */
  readonly params: Readonly<Record<string, unknown>>
  readonly paused: boolean
}

export interface Pipeline {
  readonly apiVersion: string
  readonly name: string
  readonly description?: string
  /** Absolute path of the spec file. */
  readonly sourcePath: string
  /** sha256 (hex) of the spec file's bytes. */
  readonly specHash: string
  readonly params: Readonly<Record<string, ParamDecl>>
  /** Reusable schemas from `types:`; in task schemas `#/types/X` is rewritten to `#/$defs/X`. */
  readonly types: Readonly<Record<string, JsonSchema>>
  /** Always contains `default` (an `fs` IoManager unless the spec says otherwise). */
  readonly io: Readonly<Record<string, IoDecl>>
  readonly tasks: ReadonlyMap<string, Task>
  /** Task ids in a topological order (stable: declaration order breaks ties). */
  readonly order: readonly string[]
  /** Task id → ids of tasks that depend on it. */
  readonly downstream: ReadonlyMap<string, readonly string[]>
  readonly schedule?: Schedule
  /**
   * The policy of `defaults.retries`, when the spec writes one: the very object every task without
   * its own `retries` holds, so `task.retry === pipeline.defaultRetry` tells an inherited policy (a
   * target check then points at `defaults.retries`, where the user can change it).
   */
  readonly defaultRetry?: RetryPolicy
  /** Raw `targets:` blocks, checked by each target plugin's config schema. */
  readonly targets: Readonly<Record<string, Readonly<Record<string, unknown>>>>
  /** Pipeline-wide command-line template override for remote execution. */
  readonly command?: readonly string[]
}

/** Wraps a task schema so `#/$defs/<type>` references resolve against the pipeline's `types:`. */
export function withPipelineTypes(pipeline: Pipeline, schema: JsonSchema): JsonSchema {
  if (typeof schema === 'boolean') return schema
  return { ...schema, $defs: { ...pipeline.types } }
}
