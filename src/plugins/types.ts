/**
 * Plugin interfaces: IoManagers, targets and executors. Built-ins implement exactly these, the way a
 * third-party package would, and register by their `type` in a registry (see registry.ts).
 */
import type { JsonSchema, OutputDecl, Pipeline, Task } from '../spec/model.ts'
import type { ByteStore } from './io/byte-store.ts'

export type { ByteStore } from './io/byte-store.ts'

/** Where a log line goes; every plugin gets one scoped to its run or task. */
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void
  info(message: string, fields?: Record<string, unknown>): void
  warn(message: string, fields?: Record<string, unknown>): void
  error(message: string, fields?: Record<string, unknown>): void
}

/** Identifies one task output inside one run. */
export interface OutputKey {
  readonly pipeline: string
  readonly runId: string
  readonly taskId: string
  /**
   * Overrides where the output is written (a `file://` or `gs://` URI, or a path), as
   * `weir execute --output-prefix` does; when absent the IoManager derives it from the key.
   */
  readonly prefix?: string
  /**
   * Item `item` of a mapped task (docs/fan-out.md): its output lives in its own folder,
   * `<task>/items/<item>` below the task's, the layout `weir execute --item-index` uses too.
   */
  readonly item?: number
}

/** Where a stored output lives and how to read it back. JSON-serialisable: the run store keeps it. */
export interface StoredRef {
  /** `file://…`, `gs://…`, `memory://…` */
  readonly uri: string
  /** How the bytes are encoded. */
  readonly format: 'json' | 'bytes' | 'parquet'
  /** The IoManager type that wrote it. */
  readonly io: string
  readonly sizeBytes?: number
  /**
   * `bytes` only: the output was written from a stream, so `read` returns a Node `Readable` that
   * streams the object instead of a `Buffer` holding it whole.
   */
  readonly stream?: boolean
  /**
   * `sha256:<hex>` of the stored bytes, computed while writing them (streams included). Cache keys
   * use it to know an output by its content without reading it (docs/caching.md); a ref without it
   * (an older weir, a plugin that does not compute one) is hashed by reading it back.
   */
  readonly contentHash?: string
  /**
   * Which object at `uri` this output is, as the store reported it when writing (`fs`: size and
   * modification time; `gcs`: the generation): an opaque token. `exists` answers false once an
   * object with other bytes written later has replaced it (the same run id executed again), so the
   * cache does not reuse those bytes as this output; the same bytes written again (a copy with new
   * modification times) still count. Optional: without it `exists` checks only that an object is
   * there.
   */
  readonly version?: string
}

export interface IoContext {
  readonly signal: AbortSignal
  readonly log: Logger
  /** The producing task's declared output (a table output is stored as Parquet). */
  readonly output: OutputDecl
}

/**
 * Moves task outputs between tasks; one instance per named `io:` entry.
 * @example
 * const io = fsIo.create({ root: '.weir/data' }, env)
 * const ref = await io.write({ pipeline: 'p', runId: 'r1', taskId: 'extract' }, rows, ctx)
 * const rows2 = await io.read(ref, ctx)
 */
export interface IoManager {
  write(key: OutputKey, value: unknown, ctx: IoContext): Promise<StoredRef>
  read(ref: StoredRef, ctx: IoContext): Promise<unknown>
  /**
   * Whether the object a ref points at exists (the cache asks before reusing an output), and, for a
   * ref with a `version`, is still that object: one written over it since does not count, unless
   * it holds the ref's bytes (the same `contentHash`). Optional.
   */
  exists?(ref: StoredRef, ctx: Pick<IoContext, 'signal'>): Promise<boolean>
  /**
   * The cache index kept beside this IoManager's outputs (docs/caching.md). Optional: tasks on an
   * IoManager without one always run. Built-ins on a byte store with `create`, `list` and `remove` have one.
   */
  readonly cache?: CacheIndex
}

/** Where one cache entry lives: per pipeline and task, by key. */
export interface CacheAddress {
  readonly pipeline: string
  readonly task: string
  /** SHA-256 (hex) of the key's components. */
  readonly key: string
}

/** One cached result: JSON, stored by the task's IoManager beside its outputs. Holds hashes, never param values. */
export interface CacheEntry extends CacheAddress {
  /** The cache format version that made the key. */
  readonly format: number
  /** SHA-256 (hex) of each part of the key (`code`, `inputs`, `params`, …), for `--explain-cache`. */
  readonly components: Readonly<Record<string, string>>
  /**
   * Finer hashes under some components (`code` by file, `inputs` by input, `params` by param,
   * `values` by upstream task, `schemas` by schema), so `--explain-cache` can name what changed.
   * Absent in entries of older weir versions.
   */
  readonly parts?: Readonly<Record<string, Readonly<Record<string, string>>>>
  /**
   * The entry this one replaced at the same key, and why the task ran although its key matched;
   * its run and time are absent when it could not be read (`damaged`).
   */
  readonly replaced?: { readonly runId?: string; readonly createdAt?: string; readonly reason: 'expired' | 'deleted' | 'damaged' | 'refresh' }
  /** The run whose attempt computed the result. */
  readonly runId: string
  /** ISO 8601 time the entry was made (the `ttl` counts from it). */
  readonly createdAt: string
  /** The stored output that is reused; absent when the task returned nothing. */
  readonly output?: StoredRef
  /** The task values that are reused. */
  readonly values: Readonly<Record<string, unknown>>
}

/**
 * An IoManager's cache index. Entries are written whole and atomically: a reader never sees part
 * of one, and of two writers that `create` one address, exactly one entry is stored and both are
 * told which.
 * @example
 * const hit = await io.cache?.read({ pipeline: 'p', task: 'extract', key }, signal)
 * const standing = await io.cache?.write(entry, 'create', signal)   // ours, or the one already there
 */
export interface CacheIndex {
  /**
   * The entry at an address, or undefined when there is none (a damaged entry counts as none, and so
   * does one whose output is not this IoManager's own: see `owns`).
   */
  read(address: CacheAddress, signal: AbortSignal): Promise<CacheEntry | undefined>
  /**
   * Whether an entry with this output would be trusted when read: the output must be an object of
   * the IoManager's own storage (under its root, in its bucket), not any file or bucket an edited
   * entry names. Optional; the cache stores no entry for an output it does not own (one written
   * elsewhere by `--output-prefix`), which could never be a hit.
   */
  owns?(output: StoredRef): Promise<boolean>
  /**
   * As `read`, but tells a damaged entry from none: `'damaged'` when something is stored at the
   * address that is not a trusted entry (unreadable, cut short, another address's, an output that
   * is not this IoManager's). Optional: without it, `--explain-cache` cannot say that the entry at
   * a task's key was damaged, and compares with the task's latest entry instead.
   */
  inspect?(address: CacheAddress, signal: AbortSignal): Promise<CacheEntry | 'damaged' | undefined>
  /**
   * Stores an entry: `create` only if the address holds none (resolves with the entry that stands,
   * ours or the earlier one), `replace` over whatever is there.
   */
  write(entry: CacheEntry, mode: 'create' | 'replace', signal: AbortSignal): Promise<CacheEntry>
  /** The entries of every pipeline, or of one pipeline (and task). */
  list(filter: { readonly pipeline?: string; readonly task?: string }, signal: AbortSignal): Promise<CacheEntry[]>
  /** Removes an entry, and with `output: true` the output it points to; missing ones are fine. */
  remove(entry: CacheEntry, options: { readonly output: boolean }, signal: AbortSignal): Promise<void>
}

/** What plugins may know about where they run. */
export interface PluginEnv {
  /** Folder that relative paths in plugin config are resolved against (the run's working dir). */
  readonly cwd: string
  /** Root of weir's local state (`.weir/` by default). */
  readonly stateDir: string
  readonly log: Logger
}

/** What a package exports to add an IoManager; the built-ins have exactly this shape. */
export interface IoPlugin<Config = Record<string, unknown>> {
  /** The spec's `type:` value. */
  readonly type: string
  /** JSON Schema of the config (every key but `type`); checked by `spec validate`, with positions. */
  readonly configSchema: JsonSchema
  create(config: Config, env: PluginEnv): IoManager
  /** How another process finds this type's outputs; without it the type cannot be used by `weir execute`. */
  readonly remote?: RemoteIo<Config>
}

/**
 * What another process needs to find an IoManager type's outputs. `weir execute` (every task on
 * Databricks or Argo, and every attempt of `weir run --executor subprocess`) keeps a task's
 * documents (`outputs.json`, `values.json`, `error.json`) beside its output, and finds an upstream
 * task's documents from the run id alone. A type without it (`memory`) cannot run there.
 * @example
 * remote: {
 *   scheme: 's3:',
 *   folderOf: (key, config) => `s3://${config.bucket}/${keyFolder(key)}`,
 *   openStore: async (uri, configs) => createS3ByteStore(configs.find((c) => uri.startsWith(`s3://${c.bucket}/`))),
 * }
 */
export interface RemoteIo<Config = Record<string, unknown>> {
  /** The URI scheme of this type's objects, as in `ByteStore.scheme` (`file:`, `gs:`). */
  readonly scheme: string
  /** The folder URI that `write` uses for a key without `prefix`, under this config. */
  folderOf(key: OutputKey, config: Config, env: Pick<PluginEnv, 'cwd' | 'stateDir'>): string
  /**
   * A byte store for objects under `uri` (a URI of `scheme`). `configs` are the pipeline's `io:`
   * entries of this type, to take an endpoint or credentials from.
   */
  openStore(uri: string, configs: readonly Config[], env: PluginEnv): Promise<ByteStore>
}

/** One generated file of a target. */
export interface GeneratedFile {
  /** Path relative to the output folder. */
  readonly path: string
  readonly contents: string
}

/** Compiles a pipeline into another engine's job definition. Pure: only the caller writes files. */
export interface TargetPlugin<Config = Record<string, unknown>> {
  /** The key under `targets:` in the spec and the `--target` value (`argo`, `databricks`). */
  readonly type: string
  readonly configSchema: JsonSchema
  generate(pipeline: Pipeline, config: Config): GeneratedFile[]
  /**
   * What this target cannot express for a pipeline: errors where the meaning would change, warnings
   * where it only degrades. Pointers are into the spec; the caller turns them into positions.
   */
  check?(pipeline: Pipeline, config: Config): TargetFinding[]
}

/** A capability problem a target reports (`spec validate --target`, `codegen`). */
export interface TargetFinding {
  readonly severity: 'error' | 'warning'
  readonly code: 'TARGET_UNSUPPORTED'
  /** JSON pointer into the spec, e.g. `/schedule/cron`. */
  readonly pointer: string
  readonly message: string
}

/**
 * Runs one attempt of one task: in this process, or as a `weir execute` subprocess. An executor
 * gets what it needs from the runtime through `ExecutorEnv.host`, and never imports the runtime.
 */
export interface Executor {
  runAttempt(request: AttemptRequest): Promise<AttemptOutcome>
  /** Releases processes, module caches, connections. */
  close?(): Promise<void>
}

export interface AttemptRequest {
  readonly pipeline: Pipeline
  readonly task: Task
  readonly runId: string
  /** 1-based. */
  readonly attempt: number
  readonly params: Readonly<Record<string, unknown>>
  /** Stored outputs of upstream tasks (task id → ref); missing for upstreams that produced none. */
  readonly upstreamOutputs: Readonly<Record<string, StoredRef>>
  /** Task values set by upstream tasks (task id → name → value). */
  readonly upstreamValues: Readonly<Record<string, Readonly<Record<string, unknown>>>>
  /** Aborts on timeout or cancellation. */
  readonly signal: AbortSignal
  readonly log: Logger
  /** Extra fields of the `run` namespace (`run.trigger`, `run.scheduled_at`). */
  readonly run: { readonly trigger: string; readonly scheduledAt?: string }
  /** For one item of a mapped task (`foreach:`): the item and its 0-based index (docs/fan-out.md). */
  readonly item?: {
    readonly value: unknown
    readonly index: number
    /**
     * What stands for the item in a cache key when its value is another mapped task's stored
     * output (map → map): that output's content hash and form, not the value read back. @default the value
     */
    readonly cacheKey?: string | null
  }
  /**
   * Fan-in (docs/fan-out.md): the stored outputs of each mapped upstream task's items, in item order
   * (undefined for an item that stored none). Absent when no upstream task is mapped.
   */
  readonly upstreamItemOutputs?: Readonly<Record<string, readonly (StoredRef | undefined)[]>>
}

/** A structured error: what the run store records and `weir execute` writes as error.json. */
export interface ErrorInfo {
  readonly code: string
  readonly message: string
  readonly stack?: string
  /** `user`: the handler or the spec's data; `system`: weir, a plugin, the machine. */
  readonly origin: 'user' | 'system'
  /** False for `NonRetryableError` and for failures no retry can fix. */
  readonly recoverable: boolean
  readonly timedOut?: boolean
}

export type AttemptOutcome =
  | {
      readonly status: 'succeeded'
      readonly output?: StoredRef
      readonly values: Readonly<Record<string, unknown>>
      /** A cache hit: the handler did not run; output and values are those of this earlier run (docs/caching.md). */
      readonly cachedFrom?: { readonly runId: string; readonly key: string }
    }
  | { readonly status: 'failed'; readonly error: ErrorInfo; readonly values: Readonly<Record<string, unknown>> }
  | { readonly status: 'cancelled'; readonly error?: ErrorInfo }

/**
 * What a package exports to add an executor (`weir run --executor <type>`).
 * @example
 * export const inprocessExecutor: ExecutorPlugin = {
 *   type: 'inprocess',
 *   create: (_config, env) => ({ runAttempt: (request) => env.host.runInProcess(request) }),
 * }
 */
export interface ExecutorPlugin<Config = Record<string, unknown>> {
  readonly type: string
  create(config: Config, env: ExecutorEnv): Executor
}

/** What an executor is created with: the plugin env and the runtime's host. */
export interface ExecutorEnv extends PluginEnv {
  readonly host: ExecutorHost
}

/** The runtime's side of running one attempt, handed to every executor (one per run). */
export interface ExecutorHost {
  /** Runs the attempt in this process: the shared attempt function, with the run's IoManagers. */
  runInProcess(request: AttemptRequest): Promise<AttemptOutcome>
  /**
   * Prepares the attempt for a `weir execute` process: writes its `inputs.json` and says where the
   * process will write. A task whose outputs another process cannot read gets its failed outcome.
   */
  prepareRemote(request: AttemptRequest): Promise<RemotePreparation>
}

export type RemotePreparation = { readonly ok: true; readonly attempt: RemoteAttempt } | { readonly ok: false; readonly outcome: AttemptOutcome }

/** An attempt prepared for a `weir execute` process: its command-template values, and how to read its end. */
export interface RemoteAttempt {
  /** `file://` URI of the attempt's inputs.json (the template's `{{inputs}}`). */
  readonly inputs: string
  /** Where the process writes the output and its documents (`{{outputPrefix}}`). */
  readonly outputPrefix: string
  /** Environment variables the process needs besides the parent's (the state folder, the parent pipe). */
  readonly env: Readonly<Record<string, string>>
  /**
   * The fd at which the child gets one end of a pipe that the parent never writes to: when the parent
   * dies (even by kill -9) the child sees end-of-file and stops, so no task process outlives its run.
   * The child writes on it once its result is recorded (`recordedExitCode` reads that line).
   */
  readonly parentPipeFd: number
  /**
   * The exit code that a line the child wrote on the parent pipe reports for an attempt whose result
   * it has recorded, or undefined for any other line. The attempt is decided from then on: its
   * outcome can be read at once, without waiting for the process to exit.
   */
  recordedExitCode(line: string): number | undefined
  /** Records a started process as working for the run (a resume waits for it); returns the function that forgets it. */
  trackProcess(pid: number): () => void
  /** How the attempt ended: from the documents the process wrote, else from its exit. */
  readOutcome(exit: ProcessExit): Promise<AttemptOutcome>
}

/** How a `weir execute` process ended. */
export interface ProcessExit {
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
  /** Its last lines on stderr, for a message when it wrote no document. */
  readonly stderrTail: readonly string[]
}
