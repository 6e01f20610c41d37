/**
 * Turns a spec that passed every check into the resolved `Pipeline` model: defaults filled in,
 * durations in ms, retry policies expanded, references turned into bindings and edges.
 */
import { createHash } from 'node:crypto'
import type {
  CachePolicy, ColumnType, Edge, InputBinding, IoDecl, JsonSchema, OutputDecl, ParamDecl, Pipeline, RetryPolicy, Schedule, Task, TriggerRule,
} from './model.ts'
import type { CacheSpec, PipelineSpec, TaskSpec, RetriesSpec } from './spec-types.ts'
import { findExpressions, parseExpression } from './references.ts'
import { parseDuration } from './duration.ts'
import { resolveHandler } from './resolve-handler.ts'
import { rewriteTypeRefs } from './rules/param-schemas.ts'
import { toPointer } from './pointer.ts'

export const DEFAULT_RETRY: RetryPolicy = {
  maxRetries: 0, delayMs: 1000, backoff: 'exponential', factor: 2, maxDelayMs: 300_000, jitter: 'full', retryOnTimeout: true,
}

export function normalizeSpec(spec: PipelineSpec, sourcePath: string, sourceText: string): Pipeline {
  const io = normalizeIo(spec)
  const tasks = new Map<string, Task>()
  for (const [id, taskSpec] of Object.entries(spec.tasks)) tasks.set(id, normalizeTask(id, taskSpec, spec, sourcePath))
  const { order, downstream } = topologicalOrder(tasks)
  return {
    apiVersion: spec.apiVersion,
    name: spec.name,
    ...(spec.description !== undefined && { description: spec.description }),
    sourcePath,
    specHash: createHash('sha256').update(sourceText).digest('hex'),
    params: normalizeParams(spec),
    types: Object.fromEntries(Object.entries(spec.types ?? {}).map(([k, v]) => [k, rewriteTypeRefs(v as JsonSchema)])),
    io,
    tasks,
    order,
    downstream,
    ...(spec.schedule && { schedule: normalizeSchedule(spec.schedule) }),
    targets: (spec.targets ?? {}) as Pipeline['targets'],
    ...(spec.command && { command: spec.command }),
  }
}

function normalizeTask(id: string, t: TaskSpec, spec: PipelineSpec, sourcePath: string): Task {
  const defaults = spec.defaults ?? {}
  const resolved = resolveHandler(t.handler, sourcePath)
  const edges: Edge[] = []
  // fromEntries defines own properties: an input named `__proto__` stays an input.
  const inputs: Record<string, InputBinding> = Object.fromEntries(
    Object.entries(t.inputs ?? {}).map(([name, value]) => [name, bindInput(value, ['tasks', id, 'inputs', name], id, edges)]),
  )
  ;(t.needs ?? []).forEach((from, i) => edges.push({ from, to: id, kind: 'needs', pointer: toPointer(['tasks', id, 'needs', i]) }))
  const timeout = t.timeout ?? defaults.timeout
  const timeoutMs = timeout === undefined ? undefined : parseDuration(timeout)
  return {
    id,
    ...(t.description !== undefined && { description: t.description }),
    handler: { written: t.handler, modulePath: resolved.file ?? resolved.absolute, exportName: resolved.exportName },
    inputs,
    upstream: [...new Set(edges.map((e) => e.from))],
    edges,
    output: normalizeOutput(t.output),
    values: Object.fromEntries(Object.entries(t.values ?? {}).map(([k, v]) => [k, rewriteTypeRefs(v as JsonSchema)])),
    retry: normalizeRetry(t.retries ?? defaults.retries),
    ...(timeoutMs !== undefined && timeoutMs > 0 && { timeoutMs }),
    io: t.io ?? defaults.io ?? 'default',
    trigger: (t.trigger ?? defaults.trigger ?? 'all_success') as TriggerRule,
    ...cacheOf(t.cache, defaults.cache),
    ...(t.command && { command: t.command }),
    pointer: toPointer(['tasks', id]),
  }
}

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
    return items.every((b) => b.kind === 'literal') ? { kind: 'literal', value } : { kind: 'array', items }
  }
  if (value !== null && typeof value === 'object') {
    const entries: Record<string, InputBinding> = Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, bindInput(v, [...path, k], taskId, edges)]),
    )
    return Object.values(entries).every((b) => b.kind === 'literal') ? { kind: 'literal', value } : { kind: 'object', entries }
  }
  return { kind: 'literal', value }
}

/** A task's `cache:` over `defaults.cache`: `false` turns it off, an object's fields override one by one. */
function cacheOf(own: CacheSpec | undefined, inherited: CacheSpec | undefined): { cache?: CachePolicy } {
  const setting = own ?? inherited
  if (setting === undefined || setting === false) return {}
  const base = typeof inherited === 'object' ? inherited : {}
  const fields = { ...base, ...(typeof own === 'object' ? own : {}) }
  const ttlMs = fields.ttl === undefined ? undefined : parseDuration(fields.ttl)
  return { cache: { version: fields.version ?? '', ...(ttlMs !== undefined && { ttlMs }) } }
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
      ...(hasDefault && { default: (schema as { default: unknown }).default }),
    }
  }
  return params
}

function normalizeSchedule(s: NonNullable<PipelineSpec['schedule']>): Schedule {
  return {
    cron: s.cron.trim(),
    timezone: s.timezone ?? 'UTC',
    overlap: s.overlap ?? 'skip',
    catchup: s.catchup ?? 'latest',
    catchupLimit: s.catchupLimit ?? 100,
    params: s.params ?? {},
    paused: s.paused ?? false,
  }
}

/** Kahn's algorithm; ties broken by declaration order so the order is stable across runs. */
function topologicalOrder(tasks: ReadonlyMap<string, Task>): { order: string[]; downstream: Map<string, string[]> } {
  const downstream = new Map<string, string[]>()
  const indegree = new Map<string, number>()
  for (const id of tasks.keys()) {
    downstream.set(id, [])
    indegree.set(id, 0)
  }
  for (const task of tasks.values())
    for (const up of task.upstream) {
      downstream.get(up)!.push(task.id)
      indegree.set(task.id, indegree.get(task.id)! + 1)
    }
  const ready = [...tasks.keys()].filter((id) => indegree.get(id) === 0)
  const order: string[] = []
  for (let i = 0; i < ready.length; i++) {
    const id = ready[i]!
    order.push(id)
    for (const next of downstream.get(id)!) {
      const left = indegree.get(next)! - 1
      indegree.set(next, left)
      if (left === 0) ready.push(next)
    }
  }
  return { order, downstream }
}
