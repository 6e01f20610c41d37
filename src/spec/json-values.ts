/**
 * A spec's values must be JSON: they reach handlers in other processes, the cache key, the run store
 * and the engines as JSON. YAML can write more: `.inf` and `.nan`, and through tags a set, a
 * timestamp or binary data. Such a value reached an in-process handler as it was but became `null`
 * or `{}` everywhere else, so `inputs: { x: .inf }` and `{ x: -.inf }` had one cache key (the
 * second run got the first one's output) and a subprocess saw another value than the run.
 */
import { toPointer } from './pointer.ts'

export interface NonJsonValue {
  readonly pointer: string
  readonly message: string
  /** A number that is not finite (the rules of param defaults and schedule params say that in their own words). */
  readonly nonFinite: boolean
}

/**
 * How a scalar at a pointer is written in the source, when known: `1e400` and `.inf` are both
 * Infinity in the data, and only the text tells a number too large from YAML's infinity.
 */
export type WrittenAt = (pointer: string) => string | undefined

/** The values of `data` that JSON cannot hold, with what to write instead; at most `limit`. */
export function findNonJsonValues(data: unknown, limit = 20, writtenAt?: WrittenAt): NonJsonValue[] {
  const found: NonJsonValue[] = []
  visit(data, [], 0, found, limit, writtenAt)
  return found
}

/** A plain recursive walk: it visits every value of the spec, ~200,000 for 20,000 tasks. */
function visit(value: unknown, path: string[], depth: number, found: NonJsonValue[], limit: number, writtenAt: WrittenAt | undefined): void {
  if (typeof value === 'string' || typeof value === 'boolean' || value === null) return
  const pointer = typeof value === 'number' && !Number.isFinite(value) ? toPointer(path) : undefined
  const problem = describeNonJson(value, pointer === undefined ? undefined : writtenAt?.(pointer))
  if (problem !== undefined) {
    if (found.length < limit) found.push({ pointer: pointer ?? toPointer(path), message: `${path.length === 0 ? 'The document' : `'${path.join('.')}'`} is ${problem}`, nonFinite: typeof value === 'number' })
    return
  }
  // Nesting is bounded by the parser (128 levels); the bound here only guards against cycles.
  if (typeof value !== 'object' || depth > 200 || found.length >= limit) return
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      path.push(String(i))
      visit(value[i], path, depth + 1, found, limit, writtenAt)
      path.pop()
    }
    return
  }
  // A plain object (describeNonJson refused the others), whose prototype has no enumerable keys.
  for (const key in value) {
    path.push(key)
    visit((value as Record<string, unknown>)[key], path, depth + 1, found, limit, writtenAt)
    path.pop()
  }
}

/** YAML's own words for infinity and not-a-number (`.inf`, `-.Inf`, `.NaN`). */
const INF_OR_NAN = /^[-+]?\.(?:inf|nan)$/i

function describeNonJson(value: unknown, written?: string): string | undefined {
  switch (typeof value) {
    case 'number':
      if (Number.isFinite(value)) return undefined
      // `1e400` (in a .json spec too) overflows to Infinity: it is no .inf the user wrote.
      if (written !== undefined && !Number.isNaN(value) && !INF_OR_NAN.test(written.trim()))
        return `${written.length > 40 ? `${written.slice(0, 37)}...` : written}, a number too large to represent (it is not finite), which JSON cannot hold; write a smaller number, or a string.`
      return `${Number.isNaN(value) ? '.nan' : value > 0 ? '.inf' : '-.inf'}, a number JSON cannot hold; write a finite number, null or a string.`
    case 'bigint':
      return 'an integer too large for JSON; write it as a string.'
    case 'object': {
      if (value === null || Array.isArray(value)) return undefined
      const proto = Object.getPrototypeOf(value) as object | null
      if (proto === Object.prototype || proto === null) return undefined
      if (value instanceof Date) return "a timestamp (YAML's !!timestamp), which JSON cannot hold; write it as a quoted string ('2027-03-28')."
      if (value instanceof Uint8Array) return "binary data (YAML's !!binary), which JSON cannot hold; write it as a string (base64, say) and decode it in the handler."
      if (value instanceof Set) return "a set (YAML's !!set), which JSON cannot hold; write a list."
      // yaml makes a Map only of `!!omap` (a mapping with other keys has its keys turned into strings).
      if (value instanceof Map) return "an ordered map (YAML's !!omap, a list of one-key mappings), which JSON cannot hold; write a mapping, or, if the order matters, the same list without the tag."
      return 'a value JSON cannot hold; write a string, number, boolean, null, list or mapping.'
    }
    case 'undefined':
    case 'function':
    case 'symbol':
      return 'a value JSON cannot hold; write a string, number, boolean, null, list or mapping.'
    default:
      return undefined
  }
}

/**
 * `value` with every `-0` made `0`, at any depth (the same object when there is none). JSON writes
 * `-0` as `0`, so a param or a literal input that is `-0` reached an in-process handler as `-0` and
 * one in a subprocess, or after a resume, as `0`. Refusing it (as `.inf`) would be unkind: no one
 * means the sign, so weir reads it as `0` wherever params and literal inputs enter.
 */
export function withoutNegativeZero<T>(value: T): T {
  if (typeof value === 'number') return (Object.is(value, -0) ? 0 : value) as T
  if (value === null || typeof value !== 'object') return value
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined
    for (let i = 0; i < value.length; i++) {
      const item = withoutNegativeZero(value[i] as unknown)
      if (!Object.is(item, value[i])) (copy ??= value.slice())[i] = item
    }
    return (copy ?? value) as T
  }
  const proto = Object.getPrototypeOf(value) as object | null
  if (proto !== Object.prototype && proto !== null) return value
  let copy: Record<string, unknown> | undefined
  for (const [key, item] of Object.entries(value)) {
    const fixed = withoutNegativeZero(item)
    // defineProperty: a key named `__proto__` stays a key.
    if (!Object.is(fixed, item)) Object.defineProperty((copy ??= { ...(value as Record<string, unknown>) }), key, { value: fixed, enumerable: true, writable: true, configurable: true })
  }
  return (copy ?? value) as T
}
