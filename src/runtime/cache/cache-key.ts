/**
 * The cache key of one task in one run (docs/caching.md): components hashed one by one, then the
 * key over them, so an entry can keep its components and `--explain-cache` can say which changed.
 * Nothing here reads an output: upstream outputs enter by the content hash their ref carries.
 */
import type { InputBinding, Pipeline, Reference, RunField, Task } from '../../spec/model.ts'
import { hasSecret } from '../redact-secrets.ts'
import { canonicalJson, hashCanonical, sha256Hex } from './canonical-json.ts'
import type { SecretHasher } from './secret-hash.ts'

/** Bumped whenever the way keys are made changes, so old entries stop matching. */
export const CACHE_FORMAT_VERSION = 1

/** The parts of a key, in the order `--explain-cache` reports them. */
export const CACHE_COMPONENTS = ['code', 'export', 'inputs', 'params', 'values', 'schemas', 'version', 'format'] as const
export type CacheComponent = (typeof CACHE_COMPONENTS)[number]
/** Each component's SHA-256 (hex). Hashes only: no param value, secret or not, is ever kept. */
export type CacheComponents = Readonly<Record<CacheComponent, string>>

/**
 * Finer hashes under some components, for `--explain-cache` to say *what* changed: `code` by file
 * (project-relative path), `inputs` by input name, `params` by param name, `values` by upstream
 * task, `schemas` by `output`, `values` and `types`. Not part of the key: it is made from
 * `components` alone.
 */
export type CacheParts = Readonly<Partial<Record<CacheComponent, Readonly<Record<string, string>>>>>

export interface CacheKey {
  /** SHA-256 (hex) over the components. */
  readonly key: string
  readonly components: CacheComponents
  readonly parts: CacheParts
}

/** What a key is made from. */
export interface CacheKeySources {
  readonly pipeline: Pipeline
  readonly task: Task
  readonly params: Readonly<Record<string, unknown>>
  readonly upstreamValues: Readonly<Record<string, Readonly<Record<string, unknown>>>>
  readonly run: Readonly<Record<RunField, unknown>>
  /** The task's `code` hash (see code-hash.ts). */
  readonly codeHash: string
  /** The files behind `codeHash` (path → hash), for the entry's `parts`. */
  readonly codeFiles?: Readonly<Record<string, string>>
  /**
   * An upstream task's stored output as the key knows it (content hash and form): `null` when it
   * stored none, undefined when it cannot be hashed (then the task has no key and always runs).
   */
  upstreamOutput(taskId: string): Promise<OutputIdentity | null | undefined>
  /**
   * One item of a mapped task: the key includes its value and index, so each item has its own entry.
   * `secret`: an item of a secret list (map/secret-list.ts), which enters by its keyed hash.
   */
  readonly item?: { readonly value: unknown; readonly index: number; readonly cacheKey?: string | null; readonly secret?: boolean }
  /**
   * Hashes secret params and items (secret-hash.ts). Without it, a task of a pipeline with a secret
   * param, or an item of a secret list, has no key (it runs, uncached).
   */
  readonly secrets?: SecretHasher
}

/** An upstream output in a key: what it holds, and in what form the task receives it. */
export interface OutputIdentity {
  /** `sha256:<hex>` of the stored bytes (for a fan-in, of its items' identities in order). */
  readonly hash: string
  /** `formOf` the ref (a fan-in's: `items`). */
  readonly form: string
}

/** The task's key, or undefined when an input cannot be hashed by content. */
export async function computeCacheKey(sources: CacheKeySources): Promise<CacheKey | undefined> {
  const { pipeline, task } = sources
  const upstreamValues = keyValuesOf(sources.upstreamValues)
  const keySources = upstreamValues === sources.upstreamValues ? sources : { ...sources, upstreamValues }
  const inputs = await describeInputs(task.inputs, keySources)
  if (inputs === undefined) return undefined
  const params = await paramsOf(pipeline, sources.params, sources.secrets)
  if (params === undefined) return undefined
  const item = sources.item === undefined ? undefined : await itemIdentity(sources.item, sources.secrets)
  if (item === undefined && sources.item !== undefined) return undefined
  const typesHash = typesHashOf(pipeline)
  const components: CacheComponents = {
    code: sources.codeHash,
    export: sha256Hex(task.handler.exportName),
    // An item's value and index enter with the inputs; a task without foreach keeps its keys.
    inputs: hashCanonical(sources.item === undefined ? inputs : { inputs, item: [sources.item.index, item] }),
    params: params.hash,
    values: hashCanonical(upstreamValues),
    schemas: sha256Hex(`${canonicalJson({ output: task.output, values: task.values })}\n${typesHash}`),
    version: sha256Hex(task.cache?.version ?? ''),
    format: sha256Hex(String(CACHE_FORMAT_VERSION)),
  }
  const parts: CacheParts = {
    ...(sources.codeFiles && { code: sources.codeFiles }),
    inputs: mapValues(inputs, hashCanonical),
    params: params.parts,
    values: mapValues(upstreamValues, valuesHashOf),
    schemas: { output: hashCanonical(task.output), values: hashCanonical(task.values), types: typesHash },
  }
  return { key: hashCanonical(components), components, parts }
}

function mapValues<T>(record: Readonly<Record<string, T>>, fn: (value: T) => string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(record)) out[name] = fn(value)
  return out
}

/**
 * Upstream task values as the key sees them, the same wherever the task runs: as JSON (weir's own
 * fan-in lists hold `null` for an item that set no value, map/fan-in.ts; an `undefined` in a list,
 * from an executor of a plugin say, keys as that `null`), and without upstream tasks that set none
 * (`weir execute` reads `{}` from their outputs.json where `weir run` has nothing). Returns `values`
 * itself when nothing differs.
 */
function keyValuesOf(values: Readonly<Record<string, Readonly<Record<string, unknown>>>>): Readonly<Record<string, Readonly<Record<string, unknown>>>> {
  let out: Record<string, Readonly<Record<string, unknown>>> | undefined
  let changed = false
  for (const id in values) {
    const own = values[id]!
    const json = hasAnyKey(own) ? asJson(own) : undefined
    if (json !== own) changed = true
    if (json !== undefined) (out ??= {})[id] = json
  }
  return changed ? (out ?? {}) : values
}

function hasAnyKey(o: object): boolean {
  for (const _ in o) return true
  return false
}

/** One values object read back from its JSON text, made once per object (a run shares it among downstream tasks). */
const jsonOfValues = new WeakMap<object, Readonly<Record<string, unknown>>>()
function asJson(values: Readonly<Record<string, unknown>>): Readonly<Record<string, unknown>> {
  let json = jsonOfValues.get(values)
  if (json === undefined) {
    try {
      json = needsJson(values) ? (JSON.parse(JSON.stringify(values)) as Record<string, unknown>) : values
    } catch {
      json = values
    }
    jsonOfValues.set(values, json)
  }
  return json
}

/** Whether an array somewhere in `value` holds `undefined` (the only thing canonical JSON keeps apart from JSON). */
function needsJson(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return false
  if (Array.isArray(value)) return value.some((v) => v === undefined || needsJson(v))
  for (const key in value) if (needsJson((value as Record<string, unknown>)[key])) return true
  return false
}

/** An upstream task's values object is shared by every task downstream of it: hashed once. */
const valuesHashes = new WeakMap<object, string>()
function valuesHashOf(values: Readonly<Record<string, unknown>>): string {
  let hash = valuesHashes.get(values)
  if (hash === undefined) valuesHashes.set(values, (hash = hashCanonical(values)))
  return hash
}

/**
 * An item by its value, or by the stored output it was read from (map → map: `storedItemCacheKey`,
 * its content hash and form), or by its keyed hash (an item of a secret list); undefined when it is
 * secret and there is no hasher.
 */
async function itemIdentity(item: NonNullable<CacheKeySources['item']>, secrets: SecretHasher | undefined): Promise<unknown> {
  if (item.cacheKey !== undefined) return ['stored', item.cacheKey]
  const value = item.value === undefined ? null : item.value
  if (!item.secret) return value
  return secrets && ['secret', await secrets.hash(value)]
}

/** The components whose hashes differ between two keys, in report order. */
export function changedComponents(before: CacheComponents, after: CacheComponents): CacheComponent[] {
  return CACHE_COMPONENTS.filter((c) => before[c] !== after[c])
}

const typesHashes = new WeakMap<Pipeline, string>()
const secretParams = new WeakMap<Pipeline, ReadonlySet<string>>()

function typesHashOf(pipeline: Pipeline): string {
  let hash = typesHashes.get(pipeline)
  if (hash === undefined) typesHashes.set(pipeline, (hash = hashCanonical(pipeline.types)))
  return hash
}

interface ParamsHash {
  readonly hash: string
  readonly parts: Readonly<Record<string, string>>
}

/**
 * A run passes one params object to every task: it is described and hashed once per run (and per
 * secret hasher: the same params under another key hash differently).
 */
const paramsHashes = new WeakMap<Readonly<Record<string, unknown>>, WeakMap<Pipeline, { readonly secrets: SecretHasher | undefined; readonly hash: Promise<ParamsHash | undefined> }>>()

function paramsOf(pipeline: Pipeline, params: Readonly<Record<string, unknown>>, secrets: SecretHasher | undefined): Promise<ParamsHash | undefined> {
  let byPipeline = paramsHashes.get(params)
  if (!byPipeline) paramsHashes.set(params, (byPipeline = new WeakMap()))
  let found = byPipeline.get(pipeline)
  if (!found || found.secrets !== secrets) {
    const hash = describeParams(pipeline, params, secrets).then((described) => described && { hash: hashCanonical(described), parts: mapValues(described, hashCanonical) })
    // A failure (the key could not be made) is not kept: the next task asks again.
    hash.catch(() => byPipeline.delete(pipeline))
    byPipeline.set(pipeline, (found = { secrets, hash }))
  }
  return found.hash
}

/** The params with a secret (`writeOnly`) anywhere in their schema: they enter keys by keyed hash. */
export function secretParamNames(pipeline: Pipeline): ReadonlySet<string> {
  let secrets = secretParams.get(pipeline)
  if (!secrets) {
    secrets = new Set(Object.values(pipeline.params).filter((p) => p.secret || hasSecret(p.schema, pipeline.types)).map((p) => p.name))
    secretParams.set(pipeline, secrets)
  }
  return secrets
}

/**
 * Params with a secret anywhere in their schema enter only as a keyed hash of their value; undefined
 * when there is one and no hasher.
 */
async function describeParams(pipeline: Pipeline, params: Readonly<Record<string, unknown>>, hasher: SecretHasher | undefined): Promise<Record<string, unknown> | undefined> {
  const secrets = secretParamNames(pipeline)
  const described: Record<string, unknown> = {}
  for (const [name, value] of Object.entries(params)) {
    if (!secrets.has(name)) described[name] = value
    else if (!hasher) return undefined
    else described[name] = { secret: await hasher.hash(value) }
  }
  return described
}

type Described = unknown

/** The inputs as tagged data: outputs by content hash and path, params by name (their values are in `params`). */
async function describeInputs(inputs: Readonly<Record<string, InputBinding>>, sources: CacheKeySources): Promise<Record<string, Described> | undefined> {
  const out: Record<string, Described> = {}
  for (const [name, binding] of Object.entries(inputs)) {
    const described = await describeBinding(binding, sources)
    if (described === undefined) return undefined
    out[name] = described
  }
  return out
}

async function describeBinding(binding: InputBinding, sources: CacheKeySources): Promise<Described | undefined> {
  switch (binding.kind) {
    case 'literal':
      return ['literal', binding.value === undefined ? null : binding.value]
    case 'ref': {
      const described = await describeRef(binding.ref, sources)
      // One concatenated table is another input than the list of tables (`concat:`, docs/fan-out.md).
      return binding.concat && described !== undefined ? ['concat', described] : described
    }
    case 'template':
    case 'array': {
      const parts = binding.kind === 'template' ? binding.parts : binding.items
      const out: Described[] = [binding.kind]
      for (const part of parts) {
        const described = typeof part === 'string' ? part : await (binding.kind === 'template' ? describeRef(part as Reference, sources) : describeBinding(part as InputBinding, sources))
        if (described === undefined) return undefined
        out.push(described)
      }
      return out
    }
    case 'object': {
      const entries: Record<string, Described> = {}
      for (const [key, value] of Object.entries(binding.entries)) {
        const described = await describeBinding(value, sources)
        if (described === undefined) return undefined
        entries[key] = described
      }
      return ['object', entries]
    }
  }
}

async function describeRef(ref: Reference, sources: CacheKeySources): Promise<Described | undefined> {
  switch (ref.kind) {
    case 'output': {
      const output = await sources.upstreamOutput(ref.taskId)
      if (output === undefined) return undefined
      return output === null ? ['output', null, ref.path] : ['output', output.hash, output.form, ref.path]
    }
    case 'value':
      return ['value', sources.upstreamValues[ref.taskId]?.[ref.name]]
    case 'param':
      return ['param', ref.name]
    case 'run':
      return ['run', ref.field, sources.run[ref.field]]
    // The item itself is part of every item's key (see computeCacheKey); only where it goes matters here.
    case 'item':
      return ['item', ref.path]
    case 'item_index':
      return ['item_index']
  }
}
