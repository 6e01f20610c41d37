/**
 * A small JSON Schema checker for the plain schemas that params, schedule params and plugin configs
 * almost always use (`type`, `enum`, `properties`, `required`, bounds, …). It exists for start-up
 * time: loading Ajv costs more than a whole `spec validate` of a small spec. Any keyword outside the
 * subset makes it step aside (returns undefined) and the caller falls back to Ajv, so the two never
 * disagree; a test runs both on the same cases.
 */
import type { JsonSchema } from './model.ts'
import type { SchemaProblem } from './schema-problem.ts'
import { describeJsonValue, jsonTypeArticle } from './schema-problem.ts'
import { closest, suggestFix, listChoices } from './did-you-mean.ts'
import { toPointer } from './pointer.ts'
import { compilePattern, PatternTooSlowError, tooSlowText } from './safe-pattern.ts'

/**
 * Standard keywords this checker does not implement: a schema using any of them goes to Ajv.
 * Keywords that are neither implemented nor listed here are annotations (or unknown), which
 * JSON Schema ignores, as Ajv does with `strict: false`.
 */
const NEEDS_AJV = new Set([
  '$ref', '$dynamicRef', '$recursiveRef', 'allOf', 'anyOf', 'oneOf', 'not', 'if', 'then', 'else', 'dependentSchemas',
  'dependentRequired', 'dependencies', 'prefixItems', 'contains', 'minContains', 'maxContains', 'uniqueItems',
  'unevaluatedItems', 'unevaluatedProperties', 'patternProperties', 'propertyNames', 'additionalItems',
  'contentSchema', 'discriminator',
])

/** Problems of `value` against `schema`, or undefined when the schema needs the full validator. */
export function checkSimpleSchema(value: unknown, schema: JsonSchema): SchemaProblem[] | undefined {
  if (!isSimpleSchema(schema)) return undefined
  const problems: SchemaProblem[] = []
  try {
    check(value, schema, [], problems)
  } catch (error) {
    if (!(error instanceof TooSlow)) throw error
    problems.push(error.problem)
  }
  return problems
}

/**
 * A pattern took too long (safe-pattern.ts): the check stops there, as Ajv's does, so that a list
 * of a thousand such strings costs one test's time, not a thousand.
 */
class TooSlow {
  readonly problem: SchemaProblem
  constructor(problem: SchemaProblem) {
    this.problem = problem
  }
}

/** Whether `schema` uses only the keywords this checker implements (and Ajv is not needed). */
export function isSimpleSchema(schema: unknown): boolean {
  if (typeof schema === 'boolean') return true
  if (schema === null || typeof schema !== 'object' || Array.isArray(schema)) return false
  for (const [key, sub] of Object.entries(schema)) {
    if (NEEDS_AJV.has(key)) return false
    if (key === 'items' || key === 'additionalProperties') {
      if (!isSimpleSchema(sub)) return false
    } else if (key === 'properties') {
      if (sub === null || typeof sub !== 'object' || !Object.values(sub).every(isSimpleSchema)) return false
    } else if (key === 'pattern') {
      if (typeof sub !== 'string' || !isValidRegExp(sub)) return false
    }
  }
  return true
}

function isValidRegExp(pattern: string): boolean {
  try {
    new RegExp(pattern, 'u')
    return true
  } catch {
    return false
  }
}

type Schema = Readonly<Record<string, unknown>>

function check(value: unknown, schema: JsonSchema, path: string[], out: SchemaProblem[]): void {
  if (schema === true) return
  const at = { pointer: toPointer(path), subject: path.join('.') }
  if (schema === false) {
    out.push({ ...at, text: 'is not allowed here' })
    return
  }
  const s = schema as Schema
  if (s.type !== undefined && !matchesType(value, s.type)) {
    const types = ([] as unknown[]).concat(s.type).map(String)
    out.push({ ...at, text: `must be ${types.map(jsonTypeArticle).join(' or ')}, not ${describeJsonValue(value)}` })
    return
  }
  if (Array.isArray(s.enum) && !s.enum.some((choice) => deepEqual(choice, value))) {
    const choices = s.enum.map((c) => (typeof c === 'string' ? c : JSON.stringify(c)))
    const close = typeof value === 'string' ? closest(value, choices) : undefined
    out.push({ ...at, text: `is ${describeJsonValue(value)}; ${close === undefined ? `use ${listChoices(choices)}` : `did you mean '${close}'?`}` })
    return
  }
  if ('const' in s && !deepEqual(s.const, value)) out.push({ ...at, text: `must be ${describeJsonValue(s.const)}, not ${describeJsonValue(value)}` })
  if (typeof value === 'number') checkNumber(value, s, at, out)
  if (typeof value === 'string') checkString(value, s, at, out)
  if (Array.isArray(value)) checkArray(value, s, path, out)
  else if (value !== null && typeof value === 'object') checkObject(value as Record<string, unknown>, s, path, out)
}

function checkNumber(value: number, s: Schema, at: Pick<SchemaProblem, 'pointer' | 'subject'>, out: SchemaProblem[]): void {
  if (typeof s.minimum === 'number' && value < s.minimum) out.push({ ...at, text: `must be at least ${s.minimum}, not ${value}` })
  if (typeof s.maximum === 'number' && value > s.maximum) out.push({ ...at, text: `must be at most ${s.maximum}, not ${value}` })
  if (typeof s.exclusiveMinimum === 'number' && value <= s.exclusiveMinimum) out.push({ ...at, text: `must be more than ${s.exclusiveMinimum}, not ${value}` })
  if (typeof s.exclusiveMaximum === 'number' && value >= s.exclusiveMaximum) out.push({ ...at, text: `must be less than ${s.exclusiveMaximum}, not ${value}` })
  if (typeof s.multipleOf === 'number' && !isMultipleOf(value, s.multipleOf)) out.push({ ...at, text: `must be a multiple of ${s.multipleOf}, not ${value}` })
}

function checkString(value: string, s: Schema, at: Pick<SchemaProblem, 'pointer' | 'subject'>, out: SchemaProblem[]): void {
  const length = codePointLength(value) // as JSON Schema counts them
  if (typeof s.minLength === 'number' && length < s.minLength) out.push({ ...at, text: `must be at least ${s.minLength} characters long, not ${length}` })
  if (typeof s.maxLength === 'number' && length > s.maxLength) out.push({ ...at, text: `must be at most ${s.maxLength} characters long, not ${length}` })
  if (typeof s.pattern === 'string') {
    if (!testPattern(s.pattern, value, at)) out.push({ ...at, text: `is '${value}', which does not match the pattern '${s.pattern}'` })
  }
}

function testPattern(pattern: string, value: string, at: Pick<SchemaProblem, 'pointer' | 'subject'>): boolean {
  try {
    return compilePattern(pattern).test(value)
  } catch (error) {
    if (error instanceof PatternTooSlowError) throw new TooSlow({ ...at, text: tooSlowText(pattern), quotesNoValue: true })
    throw error
  }
}

function checkArray(value: unknown[], s: Schema, path: string[], out: SchemaProblem[]): void {
  const at = { pointer: toPointer(path), subject: path.join('.') }
  if (typeof s.minItems === 'number' && value.length < s.minItems) out.push({ ...at, text: `must have at least ${s.minItems} items, not ${value.length}` })
  if (typeof s.maxItems === 'number' && value.length > s.maxItems) out.push({ ...at, text: `must have at most ${s.maxItems} items, not ${value.length}` })
  if (s.items !== undefined) value.forEach((item, i) => check(item, s.items as JsonSchema, [...path, String(i)], out))
}

function checkObject(value: Record<string, unknown>, s: Schema, path: string[], out: SchemaProblem[]): void {
  const at = { pointer: toPointer(path), subject: path.join('.') }
  const count = Object.keys(value).length
  if (typeof s.minProperties === 'number' && count < s.minProperties) out.push({ ...at, text: `must have at least ${s.minProperties} keys, not ${count}` })
  if (typeof s.maxProperties === 'number' && count > s.maxProperties) out.push({ ...at, text: `must have at most ${s.maxProperties} keys, not ${count}` })
  const properties = (s.properties ?? {}) as Readonly<Record<string, JsonSchema>>
  if (Array.isArray(s.required))
    for (const key of s.required)
      if (typeof key === 'string' && !Object.hasOwn(value, key)) out.push({ ...at, text: `is missing the required key '${key}'` })
  for (const [key, item] of Object.entries(value)) {
    if (Object.hasOwn(properties, key)) check(item, properties[key]!, [...path, key], out)
    else if (s.additionalProperties === false)
      out.push({ pointer: toPointer([...path, key]), subject: path.join('.'), unknownKey: key,
        text: `has unknown key '${key}'${suggestFix(key, Object.keys(properties), 'allowed keys', 'no keys are allowed').replace(/\.$/, '')}` })
    else if (s.additionalProperties !== undefined && s.additionalProperties !== true)
      check(item, s.additionalProperties as JsonSchema, [...path, key], out)
  }
}

/** The length of `text` in code points (a surrogate pair is one), as JSON Schema counts it. */
export function codePointLength(text: string): number {
  let n = 0
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1)
      if (next >= 0xdc00 && next <= 0xdfff) i++
    }
    n++
  }
  return n
}

/** Ajv's own test (without multipleOfPrecision): the quotient is an integer. */
export function isMultipleOf(value: number, divisor: number): boolean {
  if (divisor === 0) return false
  const quotient = value / divisor
  return quotient === parseInt(String(quotient))
}

/** Whether `value` is of JSON Schema `type` (a name or a list of names), as Ajv tells (a number must be finite). */
export function matchesType(value: unknown, type: unknown): boolean {
  if (Array.isArray(type)) return type.some((t) => matchesType(value, t))
  switch (type) {
    case 'string':
      return typeof value === 'string'
    case 'number':
      return typeof value === 'number' && Number.isFinite(value)
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value)
    case 'boolean':
      return typeof value === 'boolean'
    case 'null':
      return value === null
    case 'array':
      return Array.isArray(value)
    case 'object':
      return value !== null && typeof value === 'object' && !Array.isArray(value)
    default:
      return false
  }
}

/** Structural equality of JSON values, as `enum` and `const` compare. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false
  if (Array.isArray(a) !== Array.isArray(b)) return false
  if (Array.isArray(a)) return a.length === (b as unknown[]).length && a.every((item, i) => deepEqual(item, (b as unknown[])[i]))
  const ka = Object.keys(a)
  const kb = Object.keys(b)
  return ka.length === kb.length && ka.every((k) => Object.hasOwn(b, k) && deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
}

const TYPE_NAMES = new Set(['string', 'number', 'integer', 'boolean', 'null', 'array', 'object'])
const isCount = (v: unknown): boolean => typeof v === 'number' && Number.isInteger(v) && v >= 0
const isString = (v: unknown): boolean => typeof v === 'string'

/** What each keyword of the simple subset accepts as its value, per the 2020-12 meta-schema. */
const KEYWORD_VALUES: Readonly<Record<string, (value: unknown) => boolean>> = {
  type: (v) => (typeof v === 'string' ? TYPE_NAMES.has(v) : Array.isArray(v) && v.length > 0 && v.every((t) => typeof t === 'string' && TYPE_NAMES.has(t)) && new Set(v).size === v.length),
  enum: Array.isArray,
  const: () => true,
  minimum: (v) => typeof v === 'number',
  multipleOf: (v) => typeof v === 'number' && v > 0,
  maximum: (v) => typeof v === 'number',
  exclusiveMinimum: (v) => typeof v === 'number',
  exclusiveMaximum: (v) => typeof v === 'number',
  minLength: isCount,
  maxLength: isCount,
  minItems: isCount,
  maxItems: isCount,
  minProperties: isCount,
  maxProperties: isCount,
  pattern: (v) => typeof v === 'string' && isValidRegExp(v),
  required: (v) => Array.isArray(v) && v.every(isString) && new Set(v).size === v.length,
  items: (v) => isPlainValidSchema(v),
  additionalProperties: (v) => isPlainValidSchema(v),
  properties: (v) => v !== null && typeof v === 'object' && !Array.isArray(v) && Object.values(v).every(isPlainValidSchema),
  $ref: isString, // where it points is the type-refs rule's business
  $defs: (v) => v !== null && typeof v === 'object' && !Array.isArray(v) && Object.values(v).every(isPlainValidSchema),
  title: isString,
  description: isString,
  format: isString,
  $comment: isString,
  default: () => true,
  examples: Array.isArray,
  deprecated: (v) => typeof v === 'boolean',
  readOnly: (v) => typeof v === 'boolean',
  writeOnly: (v) => typeof v === 'boolean',
}

/**
 * True when a schema is certainly a valid JSON Schema because it uses only the simple keywords,
 * each with a well-formed value. False means "not sure": check it against the meta-schema.
 */
export function isPlainValidSchema(schema: unknown): boolean {
  if (typeof schema === 'boolean') return true
  if (schema === null || typeof schema !== 'object' || Array.isArray(schema)) return false
  for (const [key, value] of Object.entries(schema)) {
    // hasOwn: a key such as `constructor` must not find Object.prototype's function
    if (!Object.hasOwn(KEYWORD_VALUES, key) || !KEYWORD_VALUES[key]!(value)) return false
  }
  return true
}
