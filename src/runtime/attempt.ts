/**
 * One attempt of one task, start to finish: resolve inputs, load the handler, call it, check its
 * output and values, store the output through the task's IoManager.
 *
 * This is the unit every executor shares. Executors reach it through their host
 * (`ExecutorHost.runInProcess`, executor-host.ts); `weir execute` (execute/execute-task.ts, the
 * remote entry point, also used by the subprocess executor) builds an `AttemptRequest` from its
 * command line and calls it the same way, so a task behaves identically wherever it runs:
 *
 * ```ts
 * import { runTaskAttempt } from './attempt.ts'
 * import { createIoManagers } from './io-managers.ts'
 * const io = createIoManagers(pipeline, ioPlugins, env)
 * const outcome = await runTaskAttempt(request, { ioManager: io, outputPrefix: 'gs://bucket/run-1/extract' })
 * ```
 *
 * It never throws: every failure becomes a `failed` outcome with an `ErrorInfo`. Timeouts are the
 * caller's job (attempt-timeout.ts), since only the caller can give up on a handler that ignores
 * its signal.
 */
import type { AttemptOutcome, AttemptRequest, ErrorInfo, IoContext, StoredRef } from '../plugins/types.ts'
import type { Pipeline, Task } from '../spec/model.ts'
import { findProjectRoot } from '../spec/project-root.ts'
import type { IoManagerLookup } from './io-managers.ts'
import { loadedHandler, loadHandler, noteHandlerActivity } from './load-handler.ts'
import type { HandlerChecks, HandlerFunction } from './load-handler.ts'
import { resolveInputs } from './resolve-inputs.ts'
import { frozenParams } from './frozen-params.ts'
import { compileCheck } from './compile-check.ts'
import type { SchemaCheck } from './compile-check.ts'
import { compileValueChecks, createTaskValues, isValueRefusal } from './task-values.ts'
import type { TaskValues } from './task-values.ts'
import { toErrorInfo, WeirError } from './errors.ts'
import { propertyOf } from '../spec/thrown-value.ts'
import { jsonForm } from '../spec/json-form.ts'
import { isJsonOutput } from '../spec/output-value.ts'
import type { TaskCache } from './cache/task-cache.ts'
import { collectItemOutputs } from './map/fan-in.ts'

/** What an attempt needs besides the request. */
export interface AttemptDeps {
  /** The IoManager of each `io:` name of the pipeline (see `createIoManagers`). */
  readonly ioManager: IoManagerLookup
  /** Handler modules must stay inside this folder. @default the nearest folder of the spec with a package.json */
  readonly projectRoot?: string
  /** Where to write the output instead of the IoManager's own layout (`weir execute --output-prefix`). */
  readonly outputPrefix?: string
  /** The run's cache (docs/caching.md); without it every task runs. */
  readonly cache?: TaskCache
  /** The run's handler checks (one per run): a link-free module is checked once per run, not per attempt (load-handler.ts). */
  readonly handlerChecks?: HandlerChecks
}

/** The context a handler receives as its second argument. */
export interface HandlerContext {
  readonly runId: string
  /** 1-based. */
  readonly attempt: number
  readonly params: Readonly<Record<string, unknown>>
  readonly values: TaskValues
  readonly log: AttemptRequest['log']
  /** Aborts on timeout or cancellation; pass it to fetch, streams, child processes. */
  readonly signal: AbortSignal
}

type Stage = 'inputs' | 'handler' | 'output' | 'store'

/** Runs one attempt; see the module comment. */
export function runTaskAttempt(request: AttemptRequest, deps: AttemptDeps): Promise<AttemptOutcome> {
  const handler = readyHandler(request, deps)
  return handler === undefined ? runTaskAttemptSteps(request, deps) : callHandler(request, deps, handler, {}, NO_VALUE_CHECKS, {}, undefined)
}

/**
 * The handler of a task with nothing to do before calling it (no cache, inputs or values) whose
 * module is imported and checked for this run; else undefined. Such an attempt is a plain call
 * (`callHandler`), with no async frame: most of a no-op task's allocations were that frame.
 */
function readyHandler(request: AttemptRequest, deps: AttemptDeps): HandlerFunction | undefined {
  const { task } = request
  if (deps.handlerChecks === undefined || (deps.cache && task.cache) || hasKeys(task.inputs) || hasKeys(task.values)) return undefined
  const projectRoot = deps.projectRoot ?? projectRootOf(request.pipeline.sourcePath)
  if (deps.handlerChecks.realOf(task.handler.modulePath, projectRoot) === undefined) return undefined
  return loadedHandler(task.handler, projectRoot, deps.handlerChecks)
}

/** Every step of an attempt, from the cache and the inputs to the handler (`callHandler`). */
async function runTaskAttemptSteps(request: AttemptRequest, deps: AttemptDeps): Promise<AttemptOutcome> {
  const { task, pipeline } = request
  const values: Record<string, unknown> = {}
  let prepared: { cached: CacheCheck | undefined; inputs: Record<string, unknown>; valueChecks: ReadonlyMap<string, SchemaCheck>; handler: HandlerFunction }
  try {
    // Every await is a promise and a turn of the microtask queue, per attempt: a step with nothing
    // to do for this task (no cache, inputs, values, output schema or output) is skipped, not awaited.
    const cached = deps.cache && task.cache ? await deps.cache.check(request) : undefined
    if (cached?.kind === 'hit') {
      const { output, values: cachedValues } = cached.entry
      return { status: 'succeeded', ...(output && { output }), values: cachedValues, cachedFrom: cached.from }
    }
    const inputs = hasKeys(task.inputs) ? await readInputs(request, deps) : {}
    const valueChecks = hasKeys(task.values) ? await compileValueChecks(pipeline, task) : NO_VALUE_CHECKS
    const projectRoot = deps.projectRoot ?? projectRootOf(pipeline.sourcePath)
    const checkedInRun = deps.handlerChecks?.realOf(task.handler.modulePath, projectRoot) !== undefined
    const handler = loadedHandler(task.handler, projectRoot, deps.handlerChecks) ?? (await loadHandler(task.handler, projectRoot, deps.handlerChecks, { taskId: task.id, specPath: pipeline.sourcePath }))
    // A handler whose check may be repeated runs after a turn of the microtask queue, not within
    // this call: tasks started together are all checked before any of their handlers runs, so they
    // can share one check (see load-handler.ts). One checked once for the run has nothing to share.
    if (!checkedInRun) await Promise.resolve()
    prepared = { cached, inputs, valueChecks, handler }
  } catch (error) {
    return failedAt('inputs', request, error, values)
  }
  return await callHandler(request, deps, prepared.handler, prepared.inputs, prepared.valueChecks, values, prepared.cached)
}

type CacheCheck = Awaited<ReturnType<TaskCache['check']>>

/**
 * Calls the handler, then checks and stores its output (`finishAttempt`). A handler that returns
 * nothing at once, with no output schema and no cache to fill, ends here without an await.
 * Never rejects.
 */
function callHandler(
  request: AttemptRequest,
  deps: AttemptDeps,
  handler: HandlerFunction,
  inputs: Record<string, unknown>,
  valueChecks: ReadonlyMap<string, SchemaCheck>,
  values: Record<string, unknown>,
  cached: CacheCheck | undefined,
): Promise<AttemptOutcome> {
  if (request.signal.aborted) return Promise.resolve({ status: 'cancelled' })
  const { task } = request
  const ctx: HandlerContext = {
    runId: request.runId,
    attempt: request.attempt,
    params: frozenParams(request.params),
    values: createTaskValues(task, valueChecks, request.upstreamValues, values),
    log: request.log,
    signal: request.signal,
  }
  let returned: unknown
  noteHandlerActivity()
  try {
    returned = handler(inputs, ctx)
  } catch (error) {
    noteHandlerActivity()
    return Promise.resolve(failedAt('handler', request, error, values))
  }
  if (isThenable(returned)) return finishAttempt(request, deps, returned, values, cached)
  noteHandlerActivity()
  if (returned === undefined && cached === undefined && task.output.kind !== 'json' && task.output.kind !== 'table')
    return Promise.resolve(request.signal.aborted ? { status: 'cancelled' } : { status: 'succeeded', values })
  return finishAttempt(request, deps, returned, values, cached)
}

/** The rest of an attempt after its handler was called: its promise, if any, then the output. */
async function finishAttempt(request: AttemptRequest, deps: AttemptDeps, returned: unknown, values: Record<string, unknown>, cached: CacheCheck | undefined): Promise<AttemptOutcome> {
  const { task, pipeline } = request
  let stage: Stage = 'handler'
  try {
    let result = returned
    if (isThenable(returned))
      try {
        result = await returned
      } finally {
        noteHandlerActivity()
      }
    if (request.signal.aborted) return { status: 'cancelled' }
    // Still the handler's stage: a toJSON or a getter of its output that throws is its error.
    if (task.output.kind === 'json') result = storedForm(result)
    stage = 'output'
    if (task.output.kind === 'json' || task.output.kind === 'table') await checkOutput(pipeline, task, result)
    stage = 'store'
    const output = result === undefined ? undefined : await storeOutput(request, deps, result)
    if (cached?.kind === 'miss') await deps.cache!.fill(request, cached, { ...(output && { output }), values })
    return output ? { status: 'succeeded', output, values } : { status: 'succeeded', values }
  } catch (error) {
    return failedAt(stage, request, error, values)
  }
}

/**
 * The outcome of an attempt that threw at `stage`. Whatever threw after a cancel is the cancel's: a
 * handler's error (kept: it says where the handler was), and a read or a write of weir's that the
 * signal broke off (a streamed output is still being written when the cancel comes), which is no
 * storage failure to report or retry.
 */
function failedAt(stage: Stage, request: AttemptRequest, error: unknown, values: Record<string, unknown>): AttemptOutcome {
  if (request.signal.aborted) return stage === 'handler' ? { status: 'cancelled', error: describeFailure(error, stage) } : { status: 'cancelled' }
  return { status: 'failed', error: describeFailure(error, stage), values }
}

const NO_VALUE_CHECKS: ReadonlyMap<string, SchemaCheck> = new Map()

function hasKeys(o: object): boolean {
  for (const _ in o) return true
  return false
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === 'function'
}

const projectRoots = new Map<string, string>()

/** The spec's project folder, looked up once per spec (it walks the file system). */
function projectRootOf(sourcePath: string): string {
  let root = projectRoots.get(sourcePath)
  if (root === undefined) projectRoots.set(sourcePath, (root = findProjectRoot(sourcePath)))
  return root
}

async function readInputs(request: AttemptRequest, deps: AttemptDeps): Promise<Record<string, unknown>> {
  const { pipeline } = request
  return resolveInputs(request.task.inputs, {
    readOutput: async (taskId, concat) => {
      const itemRefs = request.upstreamItemOutputs?.[taskId]
      const ref = request.upstreamOutputs[taskId]
      if (!ref && !itemRefs) return undefined
      const upstream = pipeline.tasks.get(taskId)
      if (!upstream) throw new WeirError('INPUT_UNAVAILABLE', `Task '${request.task.id}' refers to unknown task '${taskId}'.`)
      const io = deps.ioManager(upstream.io)
      // `concat:` (validated: a mapped upstream with a table output): the items' tables as one table.
      if (concat && itemRefs && upstream.output.kind === 'table') {
        const { concatItemTables } = await import('./map/concat-tables.ts')
        return concatItemTables({ taskId, columns: upstream.output.columns, refs: itemRefs, read: (r) => io.read(r, ioContext(request, upstream)) })
      }
      // Fan-in: a mapped upstream task's output is the list of its items' outputs, read one by one.
      if (itemRefs) return collectItemOutputs(itemRefs.length, (k) => io.read(itemRefs[k]!, ioContext(request, upstream)), (k) => itemRefs[k] !== undefined)
      return io.read(ref!, ioContext(request, upstream))
    },
    values: request.upstreamValues,
    params: request.params,
    run: { id: request.runId, pipeline: pipeline.name, trigger: request.run.trigger, scheduled_at: request.run.scheduledAt ?? null },
    ...(request.item !== undefined && { item: request.item }),
  })
}

/**
 * A JSON output in the form it is stored in, which every later task receives, in every executor: a
 * Date as its string, an object with toJSON as what that returns, undefined members left out
 * (spec/json-form.ts). The schema judges this form, and the IoManager stores it. A value of plain
 * objects, arrays and primitives comes back as it is. Bytes, streams and tables are no JSON; a value
 * JSON cannot hold (a Map, a BigInt) is left as it is, for the IoManager to refuse, naming where.
 */
function storedForm(result: unknown): unknown {
  if (typeof result !== 'object' || result === null || !isJsonOutput(result)) return result
  const form = jsonForm(result)
  return form.nonJson === undefined ? form.value : result
}

/** Fails with a message that names the field when the output does not match the declared schema. */
async function checkOutput(pipeline: Pipeline, task: Task, result: unknown): Promise<void> {
  if (task.output.kind === 'table' && result === undefined)
    throw new WeirError('OUTPUT_INVALID', `Task '${task.id}' declares a table output but its handler returned nothing; return an Arrow table or an array of rows.`)
  if (task.output.kind !== 'json') return
  const problems = (await compileCheck(pipeline, task.output.schema))(result)
  if (problems.length > 0)
    throw new WeirError('OUTPUT_INVALID', `The output of task '${task.id}' does not match its declared schema: ${problems.join('; ')}.`)
}

async function storeOutput(request: AttemptRequest, deps: AttemptDeps, result: unknown): Promise<StoredRef | undefined> {
  if (result === undefined) return undefined
  const { task, pipeline } = request
  // An item's output goes to its own folder (`<task>/items/<index>`); a prefix (weir execute) already names it.
  const key = {
    pipeline: pipeline.name,
    runId: request.runId,
    taskId: task.id,
    ...(deps.outputPrefix !== undefined ? { prefix: deps.outputPrefix } : request.item !== undefined && { item: request.item.index }),
  }
  return deps.ioManager(task.io).write(key, result, ioContext(request, task))
}

function ioContext(request: AttemptRequest, producer: Task): IoContext {
  return { signal: request.signal, log: request.log, output: producer.output }
}

/** The handler's own errors are the user's; weir's and plugins' are the system's. */
function describeFailure(error: unknown, stage: Stage): ErrorInfo {
  // Read once, and safely: a handler may throw anything, a `code` getter that throws included.
  const code = propertyOf(error, 'code')
  switch (stage) {
    case 'inputs':
      // A handler that cannot be used stays so on every try.
      if (typeof code === 'string' && HANDLER_PROBLEMS.has(code)) return toErrorInfo(error, 'user', 'HANDLER_NOT_FOUND', false)
      if (code === 'INPUT_UNAVAILABLE') return toErrorInfo(error, 'user', 'INPUT_UNAVAILABLE', false)
      // Items of a concatenated fan-in that disagree on their columns stay so on every try.
      if (code === 'CONCAT_SCHEMA_MISMATCH') return toErrorInfo(error, 'user', 'CONCAT_SCHEMA_MISMATCH', false)
      return toErrorInfo(error, 'system', 'IO_ERROR', !UNRECOVERABLE_STORE_ERRORS.has(code as string))
    case 'handler':
      // A value refused by ctx.values.set fails the same way on every try. The handler's own errors
      // are retried whatever their code says: a `VALUE_…` of its own claims no verdict of weir's.
      return toErrorInfo(error, 'user', 'HANDLER_ERROR', !isValueRefusal(error))
    case 'output':
      return toErrorInfo(error, 'user', 'OUTPUT_INVALID', false)
    case 'store':
      // A table with the wrong columns or a value no store can hold fails the same way on every
      // try, and it is the handler's doing; everything else (disk, network) may pass on a retry.
      if (typeof code === 'string' && USER_STORE_ERRORS.has(code)) return toErrorInfo(error, 'user', code, false)
      return toErrorInfo(error, 'system', 'IO_ERROR', !UNRECOVERABLE_STORE_ERRORS.has(code as string))
  }
}

/** The codes of a handler that cannot be loaded or used (load-handler.ts). */
const HANDLER_PROBLEMS: ReadonlySet<string> = new Set(['HANDLER_NOT_FOUND', 'HANDLER_OUTSIDE_PROJECT', 'HANDLER_NOT_A_FUNCTION', 'HANDLER_EXPORT_MISSING', 'HANDLER_SYNTAX_ERROR'])
const USER_STORE_ERRORS: ReadonlySet<string> = new Set(['TABLE_SCHEMA_MISMATCH', 'IO_UNSUPPORTED_VALUE', 'IO_INVALID_KEY'])
/** The machine's doing, but no retry fixes it (a store without credentials). */
const UNRECOVERABLE_STORE_ERRORS: ReadonlySet<string> = new Set(['IO_NO_CREDENTIALS'])
