/**
 * The body of `weir execute`: run exactly one attempt of one task of one pipeline in this process,
 * following the contract in contract.ts. It reads upstream outputs from `--inputs` or from the
 * upstream tasks' `outputs.json` (found from the run id and the IoManagers), calls the shared attempt
 * function, writes the output through the task's IoManager under the output prefix, then
 * `outputs.json` + `values.json`, or `error.json`, and returns the exit code.
 */
import type { AttemptOutcome, AttemptRequest, ErrorInfo, IoPlugin, Logger, PluginEnv, StoredRef } from '../../plugins/types.ts'
import type { Pipeline, Task } from '../../spec/model.ts'
import { EXECUTE_EXIT, ERROR_DOCUMENT, OUTPUTS_DOCUMENT, VALUES_DOCUMENT, exitCodeOf } from './contract.ts'
import type { ErrorDocument, InputsDocument, OutputsDocument } from './contract.ts'
import { openDocuments } from './documents.ts'
import type { DocumentStore } from './documents.ts'
import { defaultOutputPrefix, normalizePrefix, remoteIoTypes, upstreamPrefix } from './output-prefix.ts'
import type { ProtocolEnv } from './output-prefix.ts'
import { timeoutError, withAttemptTimeout } from '../attempt-timeout.ts'
import { STUCK_MS, watchExecuteAttempt } from '../blocked-loop-watchdog.ts'
import type { ExecuteWatch } from '../blocked-loop-watchdog.ts'
import { formatDuration } from '../../spec/duration.ts'
import { runTaskAttempt } from '../attempt.ts'
import type { AttemptDeps } from '../attempt.ts'
import type { TaskCache } from '../cache/task-cache.ts'
import { findProjectRoot } from '../../spec/project-root.ts'
import { createIoManagers } from '../io-managers.ts'
import { watchParentPipe } from './parent-pipe.ts'
import { recordEarlyExit } from './record-early-exit.ts'
import { exitAsWeir } from '../own-exit.ts'
import { canBeExcluded, toleratesMissingUpstream } from '../../spec/trigger-rules.ts'
import { checkItemUsage, itemPrefix, listError, readItem } from './item.ts'
import type { ItemMode } from './item.ts'
import { readMappedUpstream } from './item-documents.ts'
import { listItems } from './list-items.ts'
import type { ListItemsOptions } from './list-items.ts'
import { createAttemptController } from '../attempt-controller.ts'
import { WeirError } from '../../spec/weir-error.ts'
import { formatTaskLogLines } from '../../spec/task-log-lines.ts'
import type { TaskLogLevel } from '../../spec/task-log-lines.ts'
import { activateMasker, maskedError, maskedLogger, secretMasker } from '../secret-masker.ts'
import { makeStateDirSync } from '../../plugins/io/make-dirs.ts'
import { resolve } from 'node:path'
import type { SecretMasker } from '../secret-masker.ts'

export interface ExecuteTaskOptions {
  readonly pipeline: Pipeline
  readonly taskId: string
  readonly runId: string
  /** Typed and complete (defaults filled in, checked). */
  readonly params: Readonly<Record<string, unknown>>
  /** URI or path of an inputs.json, or the document itself when the caller has read (and checked) it. */
  readonly inputs?: string | InputsDocument
  /** URI or path under which the output and documents go. */
  readonly outputPrefix?: string
  /** 1-based; when absent, one more than the last attempt recorded at the prefix (its `error.json` or `outputs.json`). */
  readonly attempt?: number
  readonly env: PluginEnv
  /** The IoManager plugins: the task's output is written, and the documents kept, through them. */
  readonly ioPlugins: readonly IoPlugin<never>[]
  /** Aborts the attempt (SIGTERM/SIGINT). */
  readonly signal: AbortSignal
  readonly run?: AttemptRequest['run']
  /** For a mapped task: the 0-based index of the one item to run (`--item-index`). */
  readonly itemIndex?: number
  /** For a mapped task: list its items instead of running one (`--list-items`, see list-items.ts). */
  readonly listItems?: ListItemsOptions
}

export interface ExecuteTaskResult {
  readonly exitCode: number
  readonly outcome?: AttemptOutcome
  /** One line for the user when the task did not succeed. */
  readonly message?: string
}

/** Usage problems found before anything runs (exit 2). */
export class ExecuteUsageError extends WeirError {
  constructor(message: string) {
    super('EXECUTE_USAGE', message)
    this.name = 'ExecuteUsageError'
  }
}

/** Runs one attempt of one task and records it under the output prefix; see the module comment. */
export async function executeTask(options: ExecuteTaskOptions): Promise<ExecuteTaskResult> {
  const { pipeline } = options
  const env = { ...options.env, ioPlugins: options.ioPlugins }
  watchParentPipe(() => {
    // Nobody will read this attempt's result, and a resume must not find it still running.
    process.stderr.write(`weir execute: the weir run that started task '${options.taskId}' is gone; stopping.\n`)
    exitAsWeir(EXECUTE_EXIT.cancelled)
  })
  const task = pipeline.tasks.get(options.taskId)
  if (!task) throw new ExecuteUsageError(`Pipeline '${pipeline.name}' has no task '${options.taskId}'; its tasks are ${[...pipeline.tasks.keys()].map((t) => `'${t}'`).join(', ')}.`)
  const mode: ItemMode = options.listItems ? { kind: 'list' } : options.itemIndex !== undefined ? { kind: 'item', index: options.itemIndex } : { kind: 'task' }
  try {
    if (options.listItems && options.itemIndex !== undefined) throw new Error('--list-items and --item-index are two different steps of a mapped task; pass one of them.')
    checkItemUsage(task, mode)
  } catch (error) {
    throw new ExecuteUsageError((error as Error).message)
  }
  const type = pipeline.io[task.io]?.type
  if (!options.ioPlugins.some((p) => p.type === type && p.remote))
    throw new ExecuteUsageError(`Task '${task.id}' keeps its output in IoManager '${task.io}' (type '${type}'), which another process cannot read; use ${remoteIoTypes(env)} to run it with weir execute.`)
  const explicit = options.outputPrefix === undefined ? undefined : normalizePrefix(options.outputPrefix, env.cwd)
  // Before anything runs or is written: a local path for a task that writes through gcs (say) would
  // run the handler, fail to store its output, and leave error.json in a local folder of that name.
  const scheme = options.ioPlugins.find((p) => p.type === type)?.remote?.scheme
  if (explicit !== undefined && scheme !== undefined && !explicit.startsWith(scheme))
    throw new ExecuteUsageError(
      `--output-prefix '${options.outputPrefix}' is ${explicit.startsWith('file:') ? 'a local path' : `a ${explicit.slice(0, explicit.indexOf(':') + 1)} URI`}, but task '${task.id}' writes through IoManager '${task.io}' (type '${type}'), whose objects are ${scheme}// URIs; give one (its default here is ${defaultOutputPrefix(pipeline, task, options.runId, env)}).`,
    )
  const taskPrefix = explicit ?? defaultOutputPrefix(pipeline, task, options.runId, env)!
  // Its documents and outputs kept in the state dir: made readable by this user only, as by `weir run`.
  if (explicit === undefined && taskPrefix.startsWith('file:')) makeStateDirSync(resolve(env.cwd, env.stateDir))
  const upstream = await readUpstream(options, task, explicit, env)
  if (upstream.missing && mode.kind === 'list') return { exitCode: exitCodeOf(upstream.missing), message: `${upstream.missing.code}: ${upstream.missing.message}` }
  if (mode.kind === 'list') return listItems({ pipeline, task, runId: options.runId, params: options.params, upstream, taskPrefix, signal: options.signal, env, run: options.run ?? { trigger: 'manual' }, ...options.listItems })
  // Each item of a mapped task keeps its output and documents in its own place, never one document for the map.
  const prefix = mode.kind === 'item' ? itemPrefix(taskPrefix, mode.index) : taskPrefix
  const docs = await openDocuments(prefix, pipeline, env)

  const [previous, succeeded] = await Promise.all([docs.read<ErrorDocument>(ERROR_DOCUMENT), docs.read<OutputsDocument>(OUTPUTS_DOCUMENT)])
  // Engines retry by running the same command again: the attempt is one more than the last one recorded here.
  const attempt = options.attempt ?? Math.max(previous?.attempt ?? 0, succeeded?.attempt ?? 0) + 1
  if (previous && !previous.recoverable && attempt > 1 && previous.attempt < attempt && (succeeded?.attempt ?? 0) <= previous.attempt) {
    const message = `Task '${task.id}' failed with a non-recoverable error in attempt ${previous.attempt} (${previous.code}: ${previous.message}); not trying again.`
    return { exitCode: EXECUTE_EXIT.nonRecoverable, message }
  }
  // An earlier attempt's result is not this one's: were this one to fail, or its process to die, a
  // downstream task would read it as the task's output. outputs.json goes first, as it says the task succeeded.
  if (succeeded) {
    await docs.remove(OUTPUTS_DOCUMENT)
    await docs.remove(VALUES_DOCUMENT)
  }

  // A secret param's value that the handler puts in its log or its error is masked (secret-masker.ts).
  const mask = secretMasker(pipeline, options.params)
  // For the lines the process itself prints (an error nothing caught): one attempt per process.
  if (mask) activateMasker(mask)
  const controller = createAttemptController()
  const abort = (): void => controller.abort(options.signal.reason)
  options.signal.addEventListener('abort', abort, { once: true })
  let request: AttemptRequest = {
    pipeline,
    task,
    runId: options.runId,
    attempt,
    params: options.params,
    upstreamOutputs: upstream.outputs,
    upstreamValues: upstream.values,
    ...(upstream.itemOutputs && { upstreamItemOutputs: Object.fromEntries(Object.entries(upstream.itemOutputs).map(([id, refs]) => [id, refs.map((ref) => ref ?? undefined)])) }),
    signal: controller.signal,
    log: mask ? maskedLogger(env.log, mask) : env.log,
    run: options.run ?? { trigger: 'manual' },
  }
  // Recorded as this attempt's failure, so the engine's retry counts it (docs/remote.md, exit 4).
  if (upstream.missing) return await record({ status: 'failed', error: upstream.missing, values: {} }, docs, request, options.signal, mask)
  let loadItem: (() => Promise<unknown>) | undefined
  if (mode.kind === 'item') {
    const item = await readItem(request, mode.index, taskPrefix, env)
    if (!item.ok) return await record({ status: 'failed', error: item.error, values: {} }, docs, request, options.signal, mask)
    request = { ...request, item: item.item }
    loadItem = item.load
  }
  // A handler that ends the process (process.exit) leaves error.json all the same (record-early-exit.ts).
  const recorded = recordEarlyExit(docs, request, mask)
  try {
    const outcome = await runWithTimeout(request, task, controller, prefix, env, { docs, mask }, loadItem)
    return await record(outcome, docs, request, options.signal, mask)
  } finally {
    recorded()
    options.signal.removeEventListener('abort', abort)
  }
}

/**
 * Runs the attempt; gives up on time even if the handler ignores its signal. Items and fan-in tasks
 * are cached as in `weir run` (docs/caching.md): an item's key has its value and index (map → map:
 * the upstream item's content hash), a fan-in's the content hashes of the items' outputs.
 *
 * With a timeout, the attempt is watched for a handler that blocks the event loop (`watchBlocked`),
 * and starts in a microtask of its own once its timer and its watch are set: a handler that blocks
 * at once would otherwise block before either, and the watchdog's interrupt, which unwinds whatever
 * JavaScript is running, would unwind this function too, and the attempt would never be recorded.
 */
async function runWithTimeout(request: AttemptRequest, task: Task, controller: AbortController, prefix: string, env: PluginEnv & ProtocolEnv, recording: Recording, loadItem?: () => Promise<unknown>): Promise<AttemptOutcome> {
  const ioManager = createIoManagers(request.pipeline, env.ioPlugins, env)
  const cache = task.cache ? await openTaskCache(request, ioManager, env) : undefined
  const deps = { ioManager, outputPrefix: prefix }
  const run = (): Promise<AttemptOutcome> => (loadItem ? runLoadingItem(request, deps, cache, loadItem) : runTaskAttempt(request, { ...deps, ...(cache && { cache }) }))
  if (task.timeoutMs === undefined) return run()
  const watch = watchBlocked(request, task.timeoutMs, recording)
  const outcome = await withAttemptTimeout(watch === undefined ? run() : Promise.resolve().then(run), task, request.attempt, controller)
  if (watch === undefined) return outcome
  if (!watch.interrupted()) {
    watch.clear()
    return outcome
  }
  // Its timer fired once the watchdog had stopped the handler's JavaScript: say why it had to.
  await watch.released()
  return outcome.status === 'failed' && outcome.error.code === 'TASK_TIMEOUT' ? { ...outcome, error: timeoutError(task, request.attempt, task.timeoutMs, true) } : outcome
}

/** Where the attempt's documents go, and the secrets its error must not show. */
interface Recording {
  readonly docs: DocumentStore
  readonly mask: SecretMasker | undefined
}

/**
 * Watches the attempt for a handler that blocks the event loop past its timeout (`weir execute`
 * turns the watchdog on): how it records the attempt should the watchdog have to end the process
 * from within the blocked code (`recordNow`), or kill it (its error.json, written by the thread
 * when the prefix is a local folder, stamped with the attempt's deadline).
 */
function watchBlocked(request: AttemptRequest, timeoutMs: number, { docs, mask }: Recording): ExecuteWatch | undefined {
  const blocked = (at?: Date): ErrorDocument => errorDocument(timeoutError(request.task, request.attempt, timeoutMs, true), request, mask, at)
  const lastWords = docs.prepareWrite?.(ERROR_DOCUMENT, blocked(new Date(Date.now() + timeoutMs)))
  const says =
    `weir: execute: task '${request.task.id}': attempt ${request.attempt} is past its timeout of ${formatDuration(timeoutMs)}, and its handler blocks the event loop where weir cannot stop it ` +
    `(in a synchronous call that does not return, such as execSync or a native addon's, or in a Node without an inspector), or the process did not end within ${formatDuration(STUCK_MS)} of stopping it; ` +
    `weir kills the process (SIGKILL)${lastWords ? `; ${ERROR_DOCUMENT} records the attempt as TASK_TIMEOUT` : ''}.\n`
  const recordNow = (): number => {
    const document = blocked()
    try {
      docs.writeNow?.(ERROR_DOCUMENT, document)
    } catch {
      // The exit code still says it.
    }
    process.stderr.write(executeReport(request.task.id, `${document.code}: ${document.message}`))
    return exitCodeOf(document)
  }
  return watchExecuteAttempt(timeoutMs, { says, ...(lastWords && { lastWords }), recordNow })
}

/**
 * `weir execute`'s own report of how an attempt ended, on stderr: each line of `message` carries
 * the prefix, so a reader (the subprocess executor, which reports the attempt itself) tells it from
 * the handler's own output line by line.
 */
export function executeReport(taskId: string, message: string): string {
  return `${message.split('\n').map((line) => `weir: execute: task '${taskId}': ${line}`).join('\n')}\n`
}

/** The task's cache; its module (and node:stream, which that loads) is loaded only for a task that has one. */
async function openTaskCache(request: AttemptRequest, ioManager: AttemptDeps['ioManager'], env: PluginEnv): Promise<TaskCache> {
  const [{ createTaskCache, cacheSettingsFromEnv }, { createSecretHasher }] = await Promise.all([import('../cache/task-cache.ts'), import('../cache/secret-hash.ts')])
  return createTaskCache({ ioManager, projectRoot: findProjectRoot(request.pipeline.sourcePath), settings: cacheSettingsFromEnv(process.env), secrets: createSecretHasher(resolve(env.cwd, env.stateDir)) })
}

/**
 * An item of a map → map: the cache is asked first (its key needs the upstream item's content hash,
 * not its value), and the item's value is read only when the handler is to run.
 */
async function runLoadingItem(request: AttemptRequest, deps: AttemptDeps, cache: TaskCache | undefined, loadItem: () => Promise<unknown>): Promise<AttemptOutcome> {
  const decision = cache ? await cache.check(request) : undefined
  if (decision?.kind === 'hit') {
    const { output, values } = decision.entry
    return { status: 'succeeded', ...(output && { output }), values, cachedFrom: decision.from }
  }
  let value: unknown
  try {
    value = await loadItem()
  } catch (error) {
    return { status: 'failed', error: listError(error), values: {} }
  }
  // The decision is not made twice: the attempt gets it as it stands, and stores the result under its key.
  const decided: TaskCache | undefined = decision?.kind === 'miss' ? { check: async () => decision, fill: (r, miss, result) => cache!.fill(r, miss, result) } : undefined
  return runTaskAttempt({ ...request, item: { ...request.item!, value } }, { ...deps, ...(decided && { cache: decided }) })
}

async function record(outcome: AttemptOutcome, docs: DocumentStore, request: AttemptRequest, signal: AbortSignal, mask: SecretMasker | undefined): Promise<ExecuteTaskResult> {
  if (outcome.status === 'succeeded') {
    const outputs: OutputsDocument = { ...(outcome.output && { output: outcome.output }), values: outcome.values, attempt: request.attempt, ...(outcome.cachedFrom && { cachedFrom: outcome.cachedFrom }) }
    // outputs.json is what says the attempt succeeded (and carries the values weir reads back), and
    // goes last; its write flushes the folder, with values.json's name in it (one fsync fewer per task).
    await docs.write(VALUES_DOCUMENT, outcome.values, { folderFlushedByNext: true })
    await docs.write(OUTPUTS_DOCUMENT, outputs)
    return { exitCode: EXECUTE_EXIT.ok, outcome }
  }
  const unmasked: ErrorInfo =
    outcome.status === 'failed'
      ? outcome.error
      : { code: 'CANCELLED', message: `Attempt ${request.attempt} of task '${request.task.id}' was cancelled.`, origin: 'system', recoverable: true, ...outcome.error && { stack: outcome.error.stack } }
  const document = errorDocument(unmasked, request, mask)
  await docs.write(ERROR_DOCUMENT, document)
  const sigint = (signal.reason as { signal?: string } | undefined)?.signal === 'SIGINT'
  const exitCode = outcome.status === 'cancelled' ? (sigint ? 130 : EXECUTE_EXIT.cancelled) : exitCodeOf(document)
  return { exitCode, outcome, message: `${document.code}: ${document.message}` }
}

/** The error.json of a failed attempt, at `at` (now): its error, with the secrets masked. */
function errorDocument(unmasked: ErrorInfo, request: AttemptRequest, mask: SecretMasker | undefined, at = new Date()): ErrorDocument {
  const error = mask ? maskedError(unmasked, mask) : unmasked
  return { ...error, attempt: request.attempt, timestamp: at.toISOString(), task: request.task.id, runId: request.runId }
}

/** What the task reads of its upstream tasks: outputs, values, and the item outputs of mapped ones (fan-in). */
export interface UpstreamDocuments {
  readonly outputs: Readonly<Record<string, StoredRef>>
  readonly values: Readonly<Record<string, Readonly<Record<string, unknown>>>>
  readonly itemOutputs?: Readonly<Record<string, readonly (StoredRef | undefined)[]>>
  /** Why the task cannot run: the documents of an upstream it reads, and must have, are not there. */
  readonly missing?: ErrorInfo
}

async function readUpstream(options: ExecuteTaskOptions, task: Task, explicit: string | undefined, env: PluginEnv & ProtocolEnv): Promise<UpstreamDocuments> {
  if (typeof options.inputs === 'object') return fromInputsDocument(options.inputs)
  if (options.inputs !== undefined) return readInputsDocument(options.inputs, options.pipeline, env)
  return readUpstreamDocuments(options.pipeline, task, options.runId, explicit, env)
}

/** An inputs.json as the attempt reads it (`null` item outputs, which JSON needs, become undefined). */
function fromInputsDocument(doc: InputsDocument): UpstreamDocuments {
  const itemOutputs = doc.itemOutputs && Object.fromEntries(Object.entries(doc.itemOutputs).map(([id, refs]) => [id, refs.map((r) => r ?? undefined)]))
  return { outputs: doc.outputs ?? {}, values: doc.values ?? {}, ...(itemOutputs && { itemOutputs }) }
}

async function readInputsDocument(location: string, pipeline: Pipeline, env: PluginEnv & ProtocolEnv): Promise<UpstreamDocuments> {
  const uri = normalizePrefix(location, env.cwd)
  const slash = uri.lastIndexOf('/')
  const docs = await openDocuments(uri.slice(0, slash), pipeline, env)
  const doc = await docs.read<InputsDocument>(uri.slice(slash + 1))
  if (!doc) throw new ExecuteUsageError(`--inputs '${location}' does not exist; pass the inputs.json written for this attempt.`)
  return fromInputsDocument(doc)
}

/**
 * Each upstream task's `outputs.json`; an upstream that did not succeed has none and is left out.
 * A mapped upstream has one per item (`items/N/outputs.json`), read into lists (fan-in).
 *
 * Missing documents of an upstream the task reads are `missing` when its trigger rule runs it only
 * after that upstream succeeded (see `mustHaveOutputOf`): the engine started it, so the upstream
 * succeeded and its documents are not (yet) where this process looks. Running the handler with
 * undefined inputs would pass off a wrong result as success.
 */
async function readUpstreamDocuments(pipeline: Pipeline, task: Task, runId: string, explicit: string | undefined, env: PluginEnv & ProtocolEnv): Promise<UpstreamDocuments> {
  const outputs: Record<string, StoredRef> = {}
  const values: Record<string, Readonly<Record<string, unknown>>> = {}
  const itemOutputs: Record<string, readonly (StoredRef | undefined)[]> = {}
  const memo = new Map<string, boolean>()
  for (const id of task.upstream) {
    const upstream = pipeline.tasks.get(id)!
    const prefix = upstreamPrefix(pipeline, task, upstream, runId, explicit, env)
    if (prefix === undefined) continue
    const mapped = upstream.foreach !== undefined
    if (mapped) {
      const items = await readMappedUpstream(prefix, upstream, pipeline, env)
      if (items) {
        itemOutputs[id] = items.outputs
        values[id] = items.values
        continue
      }
    } else {
      const doc = await (await openDocuments(prefix, pipeline, env)).read<OutputsDocument>(OUTPUTS_DOCUMENT)
      if (doc) {
        if (doc.output) outputs[id] = doc.output
        values[id] = doc.values
        continue
      }
    }
    const what = mapped ? `No items of mapped upstream task '${id}' at '${prefix}'` : `No ${OUTPUTS_DOCUMENT} of upstream task '${id}' at '${prefix}'`
    if (mustHaveOutputOf(pipeline, task, id, memo)) return { outputs, values, missing: missingUpstream(task, id, runId, what) }
    // Expected when the upstream task failed or was skipped and the trigger runs the task all the same.
    env.log.warn(`${what}: it did not ${mapped ? 'run' : 'succeed'} in run '${runId}'${mapped ? ', or its list failed' : ', or it wrote elsewhere (pass --inputs)'}; its inputs are undefined.`)
  }
  return { outputs, values, ...(Object.keys(itemOutputs).length > 0 && { itemOutputs }) }
}

/**
 * Whether `task` reads `upstream` (an output or a value, not only `needs`) and its trigger rule runs
 * it only after that upstream succeeded. An upstream that can be excluded (a failure handler, or a
 * task after only such) counts as succeeded without an output, so its documents may be missing.
 */
function mustHaveOutputOf(pipeline: Pipeline, task: Task, upstream: string, memo: Map<string, boolean>): boolean {
  if (toleratesMissingUpstream(task.trigger)) return false
  if (!task.edges.some((e) => e.from === upstream && e.kind !== 'needs')) return false
  return !canBeExcluded(pipeline.tasks, upstream, memo)
}

/** A system error, retried: on an eventually consistent store the upstream's documents may land late. */
function missingUpstream(task: Task, upstream: string, runId: string, what: string): ErrorInfo {
  return {
    code: 'OUTPUT_NOT_FOUND',
    origin: 'system',
    recoverable: true,
    message: `${what}, which task '${task.id}' reads: its trigger '${task.trigger}' runs it only after '${upstream}' succeeded, so its documents are not where they should be in run '${runId}' (not written yet, removed, or written elsewhere: pass --inputs or an --output-prefix beside theirs).`,
  }
}

/**
 * A logger that writes each message to stderr (engines capture it as the task log) in the form the
 * subprocess executor reads back at its level. Debug lines are written too: a run's task log keeps
 * them in process, and the same task must log the same lines wherever it runs.
 */
export function createStderrLogger(taskId: string): Logger {
  const line = (level: TaskLogLevel) => (message: string, fields?: Record<string, unknown>) => {
    process.stderr.write(formatTaskLogLines(taskId, level, message, fields))
  }
  return { debug: line('debug'), info: line('info'), warn: line('warn'), error: line('error') }
}
