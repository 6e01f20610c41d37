/**
 * Turns a spec that passed every check into the resolved `Pipeline` model: defaults filled in,
 * durations in ms, retry policies expanded, references turned into bindings and edges.
 */
import type {
  CachePolicy, ColumnType, Edge, HandlerRef, InputBinding, IoDecl, JsonSchema, MapDecl, OutputDecl, ParamDecl, Pipeline, RetryPolicy, Schedule, Task, TriggerRule,
} from './model.ts'
import type { CacheSpec, PipelineSpec, TaskSpec, RetriesSpec } from './spec-types.ts'
import { findExpressions, parseExpression } from './references.ts'
import { parseDuration } from './duration.ts'
import { resolveHandler } from './resolve-handler.ts'
import { rewriteTypeRefs } from './rewrite-type-refs.ts'
import { toPointer } from './pointer.ts'
import { rememberTaskNumbers } from './task-numbers.ts'
import { topologicalOrder } from './topological-order.ts'
import { canonicalTimezone } from './timezone-names.ts'
import { withoutNegativeZero } from './json-values.ts'

export const DEFAULT_RETRY: RetryPolicy = {
  maxRetries: 0, delayMs: 1000, backoff: 'exponential', factor: 2, maxDelayMs: 300_000, jitter: 'full', retryOnTimeout: true,
}

/**
 * `specHash`: the hash of the spec's text (spec-hash.ts), or how to make it on first use.
 * `taskIds`: the keys of `spec.tasks` in order, when the reader has them (see block-yaml.ts).
 */
export function normalizeSpec(spec: PipelineSpec, sourcePath: string, specHash: string | (() => string), taskIds?: readonly string[]): Pipeline {
  const io = normalizeIo(spec)
  const tasks = new Map<string, Task>()
  // One HandlerRef per handler as written: thousands of tasks naming one module share it (time and memory).
  const handlers = new Map<string, HandlerRef>()
  const defaults = spec.defaults ?? {}
  // One policy object for every task that inherits `defaults.retries` (Pipeline.defaultRetry).
  const defaultRetry = defaults.retries === undefined ? undefined : normalizeRetry(defaults.retries)
  const ids = taskIds ?? Object.keys(spec.tasks)
  const list: Task[] = new Array(ids.length)
  for (let i = 0; i < ids.length; i++) tasks.set(ids[i]!, (list[i] = normalizeTask(ids[i]!, spec.tasks[ids[i]!]!, defaults, defaultRetry ?? DEFAULT_RETRY, sourcePath, handlers)))
  const { order, numbers } = topologicalOrder(ids, list)
  let downstream: Map<string, string[]> | undefined
  let hash = typeof specHash === 'string' ? specHash : undefined
  const pipeline: Pipeline = {
    apiVersion: spec.apiVersion,
    name: spec.name,
    ...(spec.description !== undefined && { description: spec.description }),
    sourcePath,
    // Made on first use when it can be: a run records it at once, but `weir execute` of an
    // engine's task validates its spec and never asks (hashing loads node:crypto, and node:stream).
    get specHash() {
      return (hash ??= (specHash as () => string)())
    },
    params: normalizeParams(spec),
    types: Object.fromEntries(Object.entries(spec.types ?? {}).map(([k, v]) => [k, rewriteTypeRefs(v as JsonSchema)])),
    io,
    tasks,
    order,
    // Made on first use: nothing in weir reads it (the runtime indexes the tasks itself), and a map
    // of one array per task is a few hundred bytes a task that a run of 20,000 tasks would carry.
    get downstream() {
      return (downstream ??= downstreamOf(tasks))
    },
    ...(spec.schedule && { schedule: normalizeSchedule(spec.schedule) }),
    ...(defaultRetry && { defaultRetry }),
    targets: (spec.targets ?? {}) as Pipeline['targets'],
    ...(spec.command && { command: spec.command }),
  }
  if (numbers) rememberTaskNumbers(pipeline, numbers)
  return pipeline
}

function normalizeTask(id: string, t: TaskSpec, defaults: NonNullable<PipelineSpec['defaults']>, inheritedRetry: RetryPolicy, sourcePath: string, handlers: Map<string, HandlerRef>): Task {
  let handler = handlers.get(t.handler)
  if (handler === undefined) {
    const resolved = resolveHandler(t.handler, sourcePath)
    handlers.set(t.handler, (handler = { written: t.handler, modulePath: resolved.file ?? resolved.absolute, exportName: resolved.exportName }))
  }
  // A task id is `[a-z][a-z0-9_]*` (checked): nothing in it to escape.
  const pointer = `/tasks/${id}`
  const needs = t.needs
  let edges: Edge[]
  let upstream: readonly string[]
  let inputs = NO_INPUTS
  let foreach: MapDecl | undefined
  if (t.inputs === undefined && t.foreach === undefined) {
    // Only ordering edges (most tasks of a large spec): every array made at its final size, and the
    // upstream ids are the needs list itself (the schema makes them unique). It is not copied: the
    // data normalize gets is always weir's own, parsed for this, and dropped once the Pipeline is
    // made (20,000 tasks, 20,000 arrays fewer).
    if (needs === undefined || needs.length === 0) {
      edges = []
      upstream = NO_UPSTREAM
    } else {
      const at = `${pointer}/needs/`
      // An indexed loop into an array of its final size: no callback per edge, no growing.
      edges = new Array<Edge>(needs.length)
      for (let i = 0; i < needs.length; i++) edges[i] = { from: needs[i]!, to: id, kind: 'needs', pointer: at + i }
      upstream = needs
    }
  } else {
    edges = []
    // fromEntries defines own properties: an input named `__proto__` stays an input.
    if (t.inputs !== undefined) inputs = Object.fromEntries(Object.entries(t.inputs).map(([name, value]) => [name, bindInput(value, ['tasks', id, 'inputs', name], id, edges)]))
    // `concat:` names inputs that validation checked are a whole `${{ tasks.<mapped>.output }}`.
    if (t.concat !== undefined) for (const name of t.concat) inputs[name] = { ...(inputs[name] as Extract<InputBinding, { kind: 'ref' }>), concat: true }
    foreach = normalizeForeach(id, t.foreach, edges)
    if (needs !== undefined) for (let i = 0; i < needs.length; i++) edges.push({ from: needs[i]!, to: id, kind: 'needs', pointer: `${pointer}/needs/${i}` })
    upstream = distinctUpstream(edges)
  }
  const timeout = t.timeout ?? defaults.timeout
  const timeoutMs = timeout === undefined ? undefined : parseDuration(timeout)
  const cache = cacheOf(t.cache, defaults.cache)
  const output = t.output === undefined ? ANY_OUTPUT : normalizeOutput(t.output)
  const values = t.values === undefined ? NO_VALUES : Object.fromEntries(Object.entries(t.values).map(([k, v]) => [k, rewriteTypeRefs(v as JsonSchema)]))
  const retry = t.retries === undefined ? inheritedRetry : normalizeRetry(t.retries)
  const io = t.io ?? defaults.io ?? 'default'
  const trigger = (t.trigger ?? defaults.trigger ?? 'all_success') as TriggerRule
  const hasTimeout = timeoutMs !== undefined && timeoutMs > 0
  // The usual task in one object literal, its fields inside the object; a task with an optional
  // field is built field by field. Either way the fields are in the model's order (the order
  // JSON.stringify shows) and an optional field is there only when it has a value.
  if (t.description === undefined && !hasTimeout && foreach === undefined && cache === undefined && !t.command)
    return { id, handler, inputs, upstream, edges, output, values, retry, io, trigger, pointer }
  const task: { -readonly [K in keyof Task]?: Task[K] } = { id }
  if (t.description !== undefined) task.description = t.description
  task.handler = handler
  task.inputs = inputs
  task.upstream = upstream
  task.edges = edges
  task.output = output
  task.values = values
  task.retry = retry
  if (hasTimeout) task.timeoutMs = timeoutMs
  task.io = io
  task.trigger = trigger
  if (foreach) task.foreach = foreach
  if (cache) task.cache = cache
  if (t.command) task.command = t.command
  task.pointer = pointer
  return task as Task
}

/** The distinct upstream ids of a task's edges, in first-mention order. */
function distinctUpstream(edges: readonly Edge[]): readonly string[] {
  if (edges.length === 0) return NO_UPSTREAM
  if (edges.length === 1) return [edges[0]!.from]
  const ids: string[] = []
  // A task has a handful of edges: a linear scan beats a Set.
  for (const edge of edges) if (!ids.includes(edge.from)) ids.push(edge.from)
  return ids
}

/** The `foreach` of a mapped task; a reference to an upstream task becomes an edge, as an input's does. */
function normalizeForeach(taskId: string, written: TaskSpec['foreach'], edges: Edge[]): MapDecl | undefined {
  if (written === undefined) return undefined
  const objectForm = written !== null && typeof written === 'object' && !Array.isArray(written)
  const list = objectForm ? (written as { items: unknown }).items : written
  const pointer = toPointer(objectForm ? ['tasks', taskId, 'foreach', 'items'] : ['tasks', taskId, 'foreach'])
  const concurrency = objectForm ? (written as { concurrency?: number }).concurrency : undefined
  const withConcurrency = concurrency === undefined ? {} : { concurrency }
  if (Array.isArray(list)) return { source: { kind: 'literal', value: withoutNegativeZero(list) }, pointer, ...withConcurrency }
  const match = findExpressions(String(list))[0]
  const parsed = match && parseExpression(match.expression)
  if (!parsed || !parsed.ok || (parsed.ref.kind !== 'output' && parsed.ref.kind !== 'value' && parsed.ref.kind !== 'param'))
    throw new Error(`unreachable: invalid foreach passed validation at ${pointer}`)
  const ref = parsed.ref
  if (ref.kind !== 'param') edges.push({ from: ref.taskId, to: taskId, kind: ref.kind === 'output' ? 'data' : 'value', pointer })
  return { source: { kind: 'ref', ref }, pointer, ...withConcurrency }
}

// Shared by every task that has none (a Pipeline is never changed after it is made).
const NO_INPUTS: Record<string, InputBinding> = Object.freeze({}) as Record<string, InputBinding>
const NO_VALUES: Record<string, JsonSchema> = Object.freeze({}) as Record<string, JsonSchema>
const NO_UPSTREAM: readonly string[] = Object.freeze([])
const ANY_OUTPUT: OutputDecl = Object.freeze({ kind: 'any' })

/** Turns an input value into a binding; each task reference also becomes an edge. */
function bindInput(value: unknown, path: (string | number)[], taskId: string, edges: Edge[]): InputBinding {
  if (typeof value === 'string') {
    const matches = findExpressions(value)
    if (matches.length === 0) return { kind: 'literal', value }
    const pointer = toPointer(path)
    const parts: (string | import('./model.ts').Reference)[] = []
    let at = 0
    for (const m of matches) {
      const parsed = parseExpression(m.expression)
      if (!parsed.ok) throw new Error(`unreachable: invalid expression passed validation at ${pointer}`)
      if (parsed.ref.kind === 'output') edges.push({ from: parsed.ref.taskId, to: taskId, kind: 'data', pointer })
      if (parsed.ref.kind === 'value') edges.push({ from: parsed.ref.taskId, to: taskId, kind: 'value', pointer })
      if (m.start > at) parts.push(value.slice(at, m.start))
      parts.push(parsed.ref)
      at = m.end
    }
    if (at < value.length) parts.push(value.slice(at))
    if (parts.length === 1 && typeof parts[0] !== 'string') return { kind: 'ref', ref: parts[0]! }
    return { kind: 'template', parts }
  }
  if (Array.isArray(value)) {
    const items = value.map((v, i) => bindInput(v, [...path, i], taskId, edges))
    return items.every((b) => b.kind === 'literal') ? { kind: 'literal', value: withoutNegativeZero(value) } : { kind: 'array', items }
  }
  if (value !== null && typeof value === 'object') {
    const entries: Record<string, InputBinding> = Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, bindInput(v, [...path, k], taskId, edges)]),
    )
    return Object.values(entries).every((b) => b.kind === 'literal') ? { kind: 'literal', value: withoutNegativeZero(value) } : { kind: 'object', entries }
  }
  // -0 is 0, as JSON carries it to a subprocess (json-values.ts).
  return { kind: 'literal', value: withoutNegativeZero(value) }
}

/** A task's `cache:` over `defaults.cache`: `false` turns it off, an object's fields override one by one. */
function cacheOf(own: CacheSpec | undefined, inherited: CacheSpec | undefined): CachePolicy | undefined {
  const setting = own ?? inherited
  if (setting === undefined || setting === false) return undefined
  const base = typeof inherited === 'object' ? inherited : {}
  const fields = { ...base, ...(typeof own === 'object' ? own : {}) }
  const ttlMs = fields.ttl === undefined ? undefined : parseDuration(fields.ttl)
  return { version: fields.version ?? '', ...(ttlMs !== undefined && { ttlMs }) }
}

function normalizeOutput(output: TaskSpec['output']): OutputDecl {
  if (output === undefined) return { kind: 'any' }
  if (typeof output === 'object' && output !== null && (output as { type?: unknown }).type === 'table')
    return { kind: 'table', columns: (output as { columns: Record<string, ColumnType> }).columns }
  return { kind: 'json', schema: rewriteTypeRefs(output as JsonSchema) }
}

export function normalizeRetry(retries: RetriesSpec | undefined): RetryPolicy {
  if (retries === undefined) return DEFAULT_RETRY
  if (typeof retries === 'number') return { ...DEFAULT_RETRY, maxRetries: retries }
  return {
    maxRetries: retries.max,
    delayMs: parseDuration(retries.delay ?? '1s') ?? DEFAULT_RETRY.delayMs,
    backoff: retries.backoff ?? 'exponential',
    factor: retries.factor ?? 2,
    maxDelayMs: parseDuration(retries.maxDelay ?? '5m') ?? DEFAULT_RETRY.maxDelayMs,
    jitter: retries.jitter ?? 'full',
    retryOnTimeout: retries.onTimeout ?? true,
  }
}

function normalizeIo(spec: PipelineSpec): Record<string, IoDecl> {
  const io: Record<string, IoDecl> = { default: { name: 'default', type: 'fs', config: {} } }
  for (const [name, decl] of Object.entries(spec.io ?? {})) {
    const { type, ...config } = decl
    io[name] = { name, type, config }
  }
  return io
}

function normalizeParams(spec: PipelineSpec): Record<string, ParamDecl> {
  const params: Record<string, ParamDecl> = {}
  for (const [name, schema] of Object.entries(spec.params ?? {})) {
    const hasDefault = typeof schema === 'object' && schema !== null && 'default' in schema
    params[name] = {
      name,
      schema: rewriteTypeRefs(schema as JsonSchema),
      hasDefault,
      secret: typeof schema === 'object' && schema !== null && (schema as { writeOnly?: unknown }).writeOnly === true,
      ...(hasDefault && { default: withoutNegativeZero((schema as { default: unknown }).default) }),
    }
  }
  return params
}

function normalizeSchedule(s: NonNullable<PipelineSpec['schedule']>): Schedule {
  return {
    cron: s.cron.trim(),
    // The tz database's spelling: the engines the targets write it for match names exactly.
    timezone: s.timezone === undefined ? 'UTC' : canonicalTimezone(s.timezone),
    overlap: s.overlap ?? 'skip',
    catchup: s.catchup ?? 'latest',
    catchupLimit: s.catchupLimit ?? 100,
    params: withoutNegativeZero(s.params ?? {}),
    paused: s.paused ?? false,
  }
}

/** Task id → ids of the tasks that depend on it, each list in declaration order. */
function downstreamOf(tasks: ReadonlyMap<string, Task>): Map<string, string[]> {
  const downstream = new Map<string, string[]>()
  for (const id of tasks.keys()) downstream.set(id, [])
  for (const task of tasks.values()) for (const up of task.upstream) downstream.get(up)!.push(task.id)
  return downstream
}
