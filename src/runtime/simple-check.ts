/**
 * The runtime check of task outputs, task values and params for plain schemas (`type`, `enum`,
 * `properties`, `required`, bounds, `items`, …), without Ajv. Loading Ajv and compiling one schema
 * cost a `weir execute` process ~95 ms, four times a bare Node's start, for a task that declares a
 * single typed value; plain schemas are nearly all of them. A schema outside the subset (`$ref` to a
 * shared type, `anyOf`, `uniqueItems`, …) still goes to Ajv (compile-check.ts).
 *
 * Problems are worded as compile-check.ts words Ajv's errors (`'total' must be number`, `'total' is
 * required`), in Ajv's order for the common cases, and never quote the checked value: it may be a
 * secret param or a task's data. A test checks this against Ajv on generated cases.
 */
import type { JsonSchema } from '../spec/model.ts'
import { deepEqual, isMultipleOf, isSimpleSchema, matchesType } from '../spec/simple-schema.ts'
import { toPointer } from '../spec/pointer.ts'

/** An error as compile-check.ts reads Ajv's: where (a JSON pointer into the value) and what. */
export interface CheckError {
  readonly instancePath: string
  readonly keyword: string
  readonly message: string
  readonly missingProperty?: string
}

/** Keywords Ajv gives a meaning this checker does not (or that change how Ajv compiles): Ajv checks them. */
const LEFT_TO_AJV = /^(?:nullable|\$schema|\$anchor|\$dynamicAnchor|\$vocabulary)$/

/** Whether `schema` is one this module checks exactly as Ajv would. */
export function isRuntimeSimple(schema: JsonSchema): boolean {
  return isSimpleSchema(schema) && !usesKey(schema, LEFT_TO_AJV)
}

/** The errors of `value` against `schema` (see `isRuntimeSimple`); [] when it matches. */
export function simpleCheckErrors(value: unknown, schema: JsonSchema): CheckError[] {
  const errors: CheckError[] = []
  check(value, schema, [], errors)
  return errors
}

type Schema = Readonly<Record<string, unknown>>

function check(value: unknown, schema: JsonSchema, path: string[], out: CheckError[]): void {
  if (schema === true) return
  if (schema === false) {
    out.push({ instancePath: toPointer(path), keyword: 'false schema', message: 'boolean schema is false' })
    return
  }
  const s = schema as Schema
  const at = toPointer(path)
  const typeError = s.type === undefined || matchesType(value, s.type) ? undefined : { instancePath: at, keyword: 'type', message: `must be ${String(s.type)}` }
  // Ajv reports a wrong type first, except for a single type whose own keywords the schema uses
  // (`type: string` with `minLength`): then after `const` and `enum`.
  const typeLast = typeof s.type === 'string' && hasKeywordsOf(s.type, s)
  if (typeError && !typeLast) out.push(typeError)
  if ('const' in s && !deepEqual(s.const, value)) out.push({ instancePath: at, keyword: 'const', message: 'must be equal to constant' })
  if (Array.isArray(s.enum) && !s.enum.some((choice) => deepEqual(choice, value))) out.push({ instancePath: at, keyword: 'enum', message: 'must be equal to one of the allowed values' })
  if (typeError && typeLast) out.push(typeError)
  // Like Ajv, the keywords of a type apply only to values of that type.
  if (typeof value === 'number' && Number.isFinite(value)) checkNumber(value, s, at, out)
  else if (typeof value === 'string') checkString(value, s, at, out)
  else if (Array.isArray(value)) checkArray(value, s, path, out)
  else if (value !== null && typeof value === 'object') checkObject(value as Record<string, unknown>, s, path, out)
}

function checkNumber(value: number, s: Schema, at: string, out: CheckError[]): void {
  const limits: [keyword: string, sign: string, failed: (limit: number) => boolean][] = [
    ['maximum', '<=', (l) => value > l],
    ['minimum', '>=', (l) => value < l],
    ['exclusiveMaximum', '<', (l) => value >= l],
    ['exclusiveMinimum', '>', (l) => value <= l],
  ]
  for (const [keyword, sign, failed] of limits) {
    const limit = s[keyword]
    if (typeof limit === 'number' && failed(limit)) out.push({ instancePath: at, keyword, message: `must be ${sign} ${limit}` })
  }
  if (typeof s.multipleOf === 'number' && !isMultipleOf(value, s.multipleOf)) out.push({ instancePath: at, keyword: 'multipleOf', message: `must be multiple of ${s.multipleOf}` })
}

function checkString(value: string, s: Schema, at: string, out: CheckError[]): void {
  if (typeof s.maxLength === 'number' || typeof s.minLength === 'number') {
    const length = codePoints(value) // as JSON Schema (and Ajv) count
    if (typeof s.maxLength === 'number' && length > s.maxLength) out.push({ instancePath: at, keyword: 'maxLength', message: `must NOT have more than ${s.maxLength} characters` })
    if (typeof s.minLength === 'number' && length < s.minLength) out.push({ instancePath: at, keyword: 'minLength', message: `must NOT have fewer than ${s.minLength} characters` })
  }
  if (typeof s.pattern === 'string' && !patternOf(s.pattern).test(value)) out.push({ instancePath: at, keyword: 'pattern', message: `must match pattern "${s.pattern}"` })
}

function checkArray(value: unknown[], s: Schema, path: string[], out: CheckError[]): void {
  const at = toPointer(path)
  if (typeof s.maxItems === 'number' && value.length > s.maxItems) out.push({ instancePath: at, keyword: 'maxItems', message: `must NOT have more than ${s.maxItems} items` })
  if (typeof s.minItems === 'number' && value.length < s.minItems) out.push({ instancePath: at, keyword: 'minItems', message: `must NOT have fewer than ${s.minItems} items` })
  if (s.items !== undefined) for (let i = 0; i < value.length; i++) check(value[i], s.items as JsonSchema, [...path, String(i)], out)
}

function checkObject(value: Record<string, unknown>, s: Schema, path: string[], out: CheckError[]): void {
  const at = toPointer(path)
  const keys = Object.keys(value)
  if (typeof s.maxProperties === 'number' && keys.length > s.maxProperties) out.push({ instancePath: at, keyword: 'maxProperties', message: `must NOT have more than ${s.maxProperties} properties` })
  if (typeof s.minProperties === 'number' && keys.length < s.minProperties) out.push({ instancePath: at, keyword: 'minProperties', message: `must NOT have fewer than ${s.minProperties} properties` })
  // Ajv counts a key holding undefined (a handler's `{ total: undefined }`) as missing.
  const present = (key: string): boolean => Object.hasOwn(value, key) && value[key] !== undefined
  if (Array.isArray(s.required))
    for (const key of s.required)
      if (typeof key === 'string' && !present(key)) out.push({ instancePath: at, keyword: 'required', message: `must have required property '${key}'`, missingProperty: key })
  const properties = (s.properties ?? {}) as Readonly<Record<string, JsonSchema>>
  const extra = s.additionalProperties
  if (extra !== undefined && extra !== true)
    for (const key of keys) {
      if (Object.hasOwn(properties, key)) continue
      if (extra === false) out.push({ instancePath: at, keyword: 'additionalProperties', message: 'must NOT have additional properties' })
      else check(value[key], extra as JsonSchema, [...path, key], out)
    }
  for (const key of Object.keys(properties)) if (present(key)) check(value[key], properties[key]!, [...path, key], out)
}

const KEYWORDS_OF_TYPE: Readonly<Record<string, readonly string[]>> = {
  number: ['maximum', 'minimum', 'exclusiveMaximum', 'exclusiveMinimum', 'multipleOf'],
  string: ['maxLength', 'minLength', 'pattern'],
  array: ['maxItems', 'minItems', 'items'],
  object: ['maxProperties', 'minProperties', 'required', 'additionalProperties', 'properties'],
}

function hasKeywordsOf(type: string, s: Schema): boolean {
  return (KEYWORDS_OF_TYPE[type] ?? []).some((keyword) => s[keyword] !== undefined)
}

function codePoints(text: string): number {
  let n = 0
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    // A surrogate pair is one character.
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1)
      if (next >= 0xdc00 && next <= 0xdfff) i++
    }
    n++
  }
  return n
}

const patterns = new Map<string, RegExp>()
function patternOf(source: string): RegExp {
  let pattern = patterns.get(source)
  if (!pattern) patterns.set(source, (pattern = new RegExp(source, 'u')))
  return pattern
}

function usesKey(schema: unknown, keys: RegExp): boolean {
  if (schema === null || typeof schema !== 'object') return false
  if (Array.isArray(schema)) return schema.some((s) => usesKey(s, keys))
  for (const [key, sub] of Object.entries(schema)) {
    if (keys.test(key)) return true
    if ((key === 'items' || key === 'additionalProperties') && usesKey(sub, keys)) return true
    if (key === 'properties' && sub !== null && typeof sub === 'object' && Object.values(sub).some((s) => usesKey(s, keys))) return true
  }
  return false
}
