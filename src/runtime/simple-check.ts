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
import { codePointLength, deepEqual, isMultipleOf, isSimpleSchema, matchesType } from '../spec/simple-schema.ts'
import { toPointer } from '../spec/pointer.ts'
import { compilePattern, PatternTooSlowError, tooSlowCheckMessage } from '../spec/safe-pattern.ts'

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
  try {
    check(value, schema, [], errors)
  } catch (error) {
    if (!(error instanceof TooSlow)) throw error
    errors.push(error.error)
  }
  return errors
}

/**
 * A pattern took too long (safe-pattern.ts): the check stops there, as Ajv's does, so that an
 * output of 100,000 such strings costs one test's time, not 100,000.
 */
class TooSlow {
  readonly error: CheckError
  constructor(error: CheckError) {
    this.error = error
  }
}

type Schema = Readonly<Record<string, unknown>>

// `path` is one array, pushed and popped on the way down, and a JSON pointer is made of it only for
// an error: a valid output of 100,000 items is checked without an allocation per item.
function check(value: unknown, schema: JsonSchema, path: string[], out: CheckError[]): void {
  if (schema === true) return
  if (schema === false) {
    fail(out, path, 'false schema', 'boolean schema is false')
    return
  }
  const s = schema as Schema
  const typeError = s.type !== undefined && !matchesType(value, s.type)
  // Ajv reports a wrong type first, except for a single type whose own keywords the schema uses
  // (`type: string` with `minLength`): then after `const` and `enum`.
  const typeLast = typeError && typeof s.type === 'string' && hasKeywordsOf(s.type, s)
  if (typeError && !typeLast) fail(out, path, 'type', `must be ${String(s.type)}`)
  if ('const' in s && !deepEqual(s.const, value)) fail(out, path, 'const', 'must be equal to constant')
  if (Array.isArray(s.enum) && !s.enum.some((choice) => deepEqual(choice, value))) fail(out, path, 'enum', 'must be equal to one of the allowed values')
  if (typeError && typeLast) fail(out, path, 'type', `must be ${String(s.type)}`)
  // Like Ajv, the keywords of a type apply only to values of that type.
  if (typeof value === 'number' && Number.isFinite(value)) checkNumber(value, s, path, out)
  else if (typeof value === 'string') checkString(value, s, path, out)
  else if (Array.isArray(value)) checkArray(value, s, path, out)
  else if (value !== null && typeof value === 'object') checkObject(value as Record<string, unknown>, s, path, out)
}

function fail(out: CheckError[], path: readonly string[], keyword: string, message: string, missingProperty?: string): void {
  out.push({ instancePath: toPointer(path), keyword, message, ...(missingProperty !== undefined && { missingProperty }) })
}

/** Checks `value` against `schema` one level down, at `key`. */
function checkAt(value: unknown, schema: JsonSchema, path: string[], key: string, out: CheckError[]): void {
  path.push(key)
  check(value, schema, path, out)
  path.pop()
}

function checkNumber(value: number, s: Schema, path: string[], out: CheckError[]): void {
  if (typeof s.maximum === 'number' && value > s.maximum) fail(out, path, 'maximum', `must be <= ${s.maximum}`)
  if (typeof s.minimum === 'number' && value < s.minimum) fail(out, path, 'minimum', `must be >= ${s.minimum}`)
  if (typeof s.exclusiveMaximum === 'number' && value >= s.exclusiveMaximum) fail(out, path, 'exclusiveMaximum', `must be < ${s.exclusiveMaximum}`)
  if (typeof s.exclusiveMinimum === 'number' && value <= s.exclusiveMinimum) fail(out, path, 'exclusiveMinimum', `must be > ${s.exclusiveMinimum}`)
  if (typeof s.multipleOf === 'number' && !isMultipleOf(value, s.multipleOf)) fail(out, path, 'multipleOf', `must be multiple of ${s.multipleOf}`)
}

function checkString(value: string, s: Schema, path: string[], out: CheckError[]): void {
  if (typeof s.maxLength === 'number' || typeof s.minLength === 'number') {
    const length = codePointLength(value) // as JSON Schema (and Ajv) count
    if (typeof s.maxLength === 'number' && length > s.maxLength) fail(out, path, 'maxLength', `must NOT have more than ${s.maxLength} characters`)
    if (typeof s.minLength === 'number' && length < s.minLength) fail(out, path, 'minLength', `must NOT have fewer than ${s.minLength} characters`)
  }
  if (typeof s.pattern === 'string') checkPattern(value, s.pattern, path, out)
}

function checkPattern(value: string, pattern: string, path: string[], out: CheckError[]): void {
  try {
    if (!compilePattern(pattern).test(value)) fail(out, path, 'pattern', `must match pattern "${pattern}"`)
  } catch (error) {
    if (!(error instanceof PatternTooSlowError)) throw error
    throw new TooSlow({ instancePath: toPointer(path), keyword: 'pattern', message: tooSlowCheckMessage(pattern) })
  }
}

function checkArray(value: unknown[], s: Schema, path: string[], out: CheckError[]): void {
  if (typeof s.maxItems === 'number' && value.length > s.maxItems) fail(out, path, 'maxItems', `must NOT have more than ${s.maxItems} items`)
  if (typeof s.minItems === 'number' && value.length < s.minItems) fail(out, path, 'minItems', `must NOT have fewer than ${s.minItems} items`)
  if (s.items !== undefined) for (let i = 0; i < value.length; i++) checkAt(value[i], s.items as JsonSchema, path, String(i), out)
}

function checkObject(value: Record<string, unknown>, s: Schema, path: string[], out: CheckError[]): void {
  if (typeof s.maxProperties === 'number' || typeof s.minProperties === 'number') {
    const count = Object.keys(value).length
    if (typeof s.maxProperties === 'number' && count > s.maxProperties) fail(out, path, 'maxProperties', `must NOT have more than ${s.maxProperties} properties`)
    if (typeof s.minProperties === 'number' && count < s.minProperties) fail(out, path, 'minProperties', `must NOT have fewer than ${s.minProperties} properties`)
  }
  // Ajv counts a key holding undefined (a handler's `{ total: undefined }`) as missing.
  const present = (key: string): boolean => Object.hasOwn(value, key) && value[key] !== undefined
  if (Array.isArray(s.required))
    for (const key of s.required)
      if (typeof key === 'string' && !present(key)) fail(out, path, 'required', `must have required property '${key}'`, key)
  const properties = (s.properties ?? {}) as Readonly<Record<string, JsonSchema>>
  const extra = s.additionalProperties
  if (extra !== undefined && extra !== true)
    for (const key of Object.keys(value)) {
      if (Object.hasOwn(properties, key)) continue
      if (extra === false) fail(out, path, 'additionalProperties', 'must NOT have additional properties')
      else checkAt(value[key], extra as JsonSchema, path, key, out)
    }
  for (const key in properties) if (Object.hasOwn(properties, key) && present(key)) checkAt(value[key], properties[key]!, path, key, out)
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
