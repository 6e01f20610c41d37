/**
 * What a value becomes as JSON. weir stores a task's JSON output and its task values as JSON, and
 * every later task receives them read back from it, in process as in `weir execute`. JSON.stringify
 * makes a Date a string and an object with `toJSON` what that returns, drops `undefined`, functions
 * and symbols from objects (writing null for them in arrays), stores a Map or a Set as `{}`, NaN as
 * null, and throws on a BigInt. So weir judges a value in its JSON form (an output against its
 * schema, a value against its own), stores that form, and refuses with its path what JSON cannot
 * hold rather than storing something else.
 *
 * One walk, no round trip through text: a value of plain objects, arrays and primitives (most
 * outputs) comes back as it is, nothing copied; where something changes, only the objects and
 * arrays on the way to it are copied. Outputs (plugins/io/classify-value.ts, runtime/attempt.ts)
 * and task values (runtime/task-values.ts) share it, so both refuse the same things the same way.
 */

/** A part of a value that JSON cannot hold. */
export interface NonJson {
  /** Where it is: the keys and indexes from the top of the value (empty for the value itself). */
  readonly path: readonly (string | number)[]
  /** What it is, for messages: `a BigInt`, `NaN`, `a Map`, `a circular reference`, … */
  readonly what: string
  /** What to do instead, for messages. */
  readonly hint?: string
}

/** The JSON form of a value, or the first part of it that JSON cannot hold. */
export type JsonForm = { readonly value: unknown; readonly nonJson?: undefined } | { readonly nonJson: NonJson; readonly value?: undefined }

export interface JsonFormOptions {
  /**
   * Also refuse what JSON would quietly lose: a function or a symbol anywhere (JSON drops it from
   * an object), and an object of a class that has no `toJSON` (an Error, a URLSearchParams, your
   * own class: JSON keeps its own fields only). For task values, which the docs say must be JSON.
   * Outputs keep what weir always stored of them: such members dropped, such objects as their fields.
   * Either way a Map, a Set, a BigInt, NaN or Infinity, a cycle and a function or symbol in an array
   * (or as the value itself) are refused.
   */
  readonly strict?: boolean
}

/** `value` as `JSON.parse(JSON.stringify(value))` would give it back, or what JSON cannot hold in it. */
export function jsonForm(value: unknown, options: JsonFormOptions = {}): JsonForm {
  try {
    const form = walk(value, '', options.strict === true, new Set())
    if (form === DROPPED) return { nonJson: { path: [], what: value === undefined ? 'undefined' : `a ${typeof value}` } }
    return { value: form }
  } catch (error) {
    if (!(error instanceof Refused)) throw error
    return { nonJson: { path: error.path, what: error.what, ...(error.hint !== undefined && { hint: error.hint }) } }
  }
}

/** `$.a[0]`, as the messages about outputs name places. */
export function dollarPath(path: readonly (string | number)[]): string {
  let out = '$'
  for (const part of path) out += typeof part === 'number' ? `[${part}]` : `.${part}`
  return out
}

/** A member JSON leaves out of an object (undefined, a function, a symbol). */
const DROPPED = Symbol('dropped')

/** Thrown through the walk to its top, collecting the path on the way. */
class Refused {
  readonly path: (string | number)[] = []
  readonly what: string
  readonly hint: string | undefined
  constructor(what: string, hint?: string) {
    this.what = what
    this.hint = hint
  }
}

/** Adds `key` in front of a refusal's path on its way up; anything else thrown (a toJSON's, a getter's) goes on as it is. */
function within(error: unknown, key: string | number): unknown {
  if (error instanceof Refused) error.path.unshift(key)
  return error
}

/** The JSON form of `value` held under `key` (what `toJSON` is given); DROPPED where JSON leaves it out. */
function walk(value: unknown, key: string | number, strict: boolean, ancestors: Set<object>): unknown {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value
    case 'number':
      if (Number.isFinite(value)) return value
      throw new Refused(String(value), 'JSON has no NaN or Infinity')
    case 'bigint':
      throw new Refused('a BigInt', 'convert it to a number or string')
    case 'undefined':
      return DROPPED
    case 'function':
    case 'symbol':
      if (strict) throw new Refused(`a ${typeof value}`)
      return DROPPED
  }
  if (value === null) return null
  const toJSON = (value as { toJSON?: unknown }).toJSON
  // Date and friends: JSON calls toJSON once, and stores what it returns (whose members it walks).
  if (typeof toJSON === 'function') return contents(toJSON.call(value, String(key)), strict, ancestors)
  return contents(value, strict, ancestors)
}

/** The JSON form of a value `toJSON` has had its say on: primitives, boxed ones, arrays and objects. */
function contents(value: unknown, strict: boolean, ancestors: Set<object>): unknown {
  if (typeof value !== 'object' || value === null) return walk(value, '', strict, ancestors)
  const proto = Object.getPrototypeOf(value) as object | null
  // Plain objects and arrays, nearly every part of an output, need none of the checks below.
  if (proto !== Object.prototype && proto !== Array.prototype && proto !== null) {
    // `new String('x')` and its kin are their primitive, as JSON writes them.
    if (value instanceof Number || value instanceof String || value instanceof Boolean) return value.valueOf()
    if (value instanceof Map || value instanceof Set) throw new Refused(value instanceof Map ? 'a Map' : 'a Set', 'convert it to an object or array')
    if (strict && !Array.isArray(value)) throw new Refused(`an instance of ${className(value)}`, 'make it a plain object, or give its class a toJSON method')
  }
  if (ancestors.has(value)) throw new Refused('a circular reference')
  ancestors.add(value)
  try {
    return Array.isArray(value) ? arrayForm(value, strict, ancestors) : objectForm(value, ancestors, strict)
  } finally {
    ancestors.delete(value)
  }
}

function arrayForm(array: readonly unknown[], strict: boolean, ancestors: Set<object>): unknown[] {
  let out: unknown[] | undefined
  let i = 0
  try {
    for (; i < array.length; i++) {
      const item = array[i]
      let form = walk(item, i, strict, ancestors)
      if (form === DROPPED) {
        // JSON writes null for it; a function or symbol there was never an output weir stored.
        if (typeof item === 'function' || typeof item === 'symbol') throw new Refused(`a ${typeof item}`)
        form = null
      }
      if (out !== undefined) out.push(form)
      else if (form !== item) (out = array.slice(0, i)).push(form)
    }
  } catch (error) {
    throw within(error, i)
  }
  return out ?? (array as unknown[])
}

function objectForm(object: object, ancestors: Set<object>, strict: boolean): object {
  const source = object as Record<string, unknown>
  const keys = Object.keys(source)
  let out: Record<string, unknown> | undefined
  let k = 0
  try {
    for (; k < keys.length; k++) {
      const key = keys[k]!
      const item = source[key]
      const form = walk(item, key, strict, ancestors)
      if (out === undefined) {
        if (form === item) continue
        // The first member that changes: the members before it are copied as they are.
        out = {}
        for (let j = 0; j < k; j++) put(out, keys[j]!, source[keys[j]!])
      }
      if (form !== DROPPED) put(out, key, form)
    }
  } catch (error) {
    throw within(error, keys[k]!)
  }
  return out ?? object
}

/** `out[key] = value`, as an own property even for `__proto__` (as JSON.parse makes it). */
function put(out: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true })
  else out[key] = value
}

function className(object: object): string {
  try {
    const name = (object as { constructor?: { name?: unknown } }).constructor?.name
    return typeof name === 'string' && name !== '' ? name : 'a class'
  } catch {
    return 'a class'
  }
}
