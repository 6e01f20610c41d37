/**
 * JSON Schemas written by users (params, outputs, values) and by plugins (config schemas):
 * checking that a schema is valid, and checking values against one. Both avoid Ajv on the common
 * path, because loading it costs more than a whole `spec validate` of a small spec: schema validity
 * uses the precompiled 2020-12 meta-schema, values use the small checker in simple-schema.ts, and
 * Ajv is imported lazily only for schemas outside that subset.
 */
import type { ErrorObject } from 'ajv'
import type { JsonSchema } from './model.ts'
import type { SchemaProblem } from './schema-problem.ts'
import { describeJsonValue, jsonTypeArticle } from './schema-problem.ts'
import { checkSimpleSchema, isPlainValidSchema } from './simple-schema.ts'
import { closest, listChoices, suggestFix } from './did-you-mean.ts'
import { pointerSegments, toPointer } from './pointer.ts'
import { compileSchema } from './compile-schema.ts'
import { PatternTooSlowError, pathOfText, tooSlowText } from './safe-pattern.ts'

export type { SchemaProblem } from './schema-problem.ts'
export { compileSchema } from './compile-schema.ts'

/**
 * Problems of a schema as a JSON Schema 2020-12 document (pointers relative to the schema), without
 * loading Ajv. Regular expressions are checked too, as Ajv compiles them (with the `u` flag).
 */
export async function checkSchemaDefinition(schema: unknown): Promise<SchemaProblem[]> {
  // Plain schemas (the usual `{ type: number, default: 0.5 }`) are judged without loading the
  // meta-schema validator, which costs more to load than validating a small spec.
  if (isPlainValidSchema(schema)) return []
  const validateMetaSchema = await loadMetaSchemaValidator()
  const problems: SchemaProblem[] = []
  if (!validateMetaSchema(schema)) {
    const seen = new Set<string>()
    for (const error of validateMetaSchema.errors ?? []) {
      if (error.keyword === 'anyOf' || seen.has(error.instancePath)) continue
      seen.add(error.instancePath)
      problems.push(describeMetaError(error, schema))
    }
  }
  walkPatterns(schema, [], problems)
  return problems
}

type MetaSchemaValidator = typeof import('./generated/validate-json-schema.cjs')
let metaSchemaValidator: Promise<MetaSchemaValidator> | undefined
function loadMetaSchemaValidator(): Promise<MetaSchemaValidator> {
  metaSchemaValidator ??= import('./generated/validate-json-schema.cjs').then((mod) => (mod as { default: MetaSchemaValidator }).default)
  return metaSchemaValidator
}

function describeMetaError(error: ErrorObject, schema: unknown): SchemaProblem {
  const segments = pointerSegments(error.instancePath)
  const at = { pointer: error.instancePath, subject: segments.join('.') }
  const value = valueAt(schema, segments)
  if (error.keyword === 'enum') {
    const allowed = ((error.params as { allowedValues?: unknown[] }).allowedValues ?? []).map(String)
    const close = typeof value === 'string' ? closest(value, allowed) : undefined
    return { ...at, text: `is ${describeJsonValue(value)}; ${close === undefined ? `use ${listChoices(allowed)}` : `did you mean '${close}'?`}` }
  }
  if (error.keyword === 'type') {
    const want = ([] as string[]).concat((error.params as { type: string | string[] }).type).flatMap((t) => t.split(','))
    return { ...at, text: `must be ${want.map(jsonTypeArticle).join(' or ')}, not ${describeJsonValue(value)}` }
  }
  if (error.keyword === 'uniqueItems') {
    const { j } = error.params as { i: number; j: number }
    const repeated = Array.isArray(value) ? value[j] : undefined
    return { ...at, text: `lists ${describeJsonValue(repeated).replace(/^the string /, '')} twice; remove the repeat` }
  }
  return { ...at, text: error.message ?? 'is invalid' }
}

/** `pattern` values and `patternProperties` keys must be regular expressions JavaScript accepts. */
function walkPatterns(node: unknown, path: string[], out: SchemaProblem[]): void {
  if (Array.isArray(node)) return node.forEach((item, i) => walkPatterns(item, [...path, String(i)], out))
  if (node === null || typeof node !== 'object') return
  for (const [key, value] of Object.entries(node)) {
    if (key === 'pattern' && typeof value === 'string') checkRegExp(value, [...path, key], out)
    if (key === 'patternProperties' && value !== null && typeof value === 'object')
      for (const pattern of Object.keys(value)) checkRegExp(pattern, [...path, key, pattern], out)
    if (key !== 'const' && key !== 'enum' && key !== 'default' && key !== 'examples') walkPatterns(value, [...path, key], out)
  }
}

function checkRegExp(pattern: string, path: string[], out: SchemaProblem[]): void {
  try {
    new RegExp(pattern, 'u')
  } catch (error) {
    const reason = error instanceof Error ? error.message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /, '') : 'invalid'
    out.push({ pointer: toPointer(path), subject: path.join('.'), text: `is '${pattern}', which is not a valid regular expression (${reason.toLowerCase()})` })
  }
}

/** Why a schema could not be compiled, in words for a message (not the engine's). */
function describeInvalid(error: Error): string {
  return error instanceof RangeError || /call stack/i.test(error.message) ? 'it refers to itself without end' : error.message
}

/** Checks a value against a schema; an invalid schema yields one problem that says so. */
export async function checkAgainstSchema(value: unknown, schema: JsonSchema): Promise<SchemaProblem[]> {
  const simple = checkSimpleSchema(value, schema)
  if (simple !== undefined) return simple
  const validate = await compileSchema(schema)
  if (validate instanceof Error) return [{ pointer: '', subject: '', text: `cannot be checked because its schema is invalid (${describeInvalid(validate)})` }]
  let valid: boolean
  try {
    valid = validate(value) as boolean
  } catch (error) {
    // A type defined as itself (type-refs.ts reports it) recurses without end while checking.
    if (error instanceof RangeError) return [{ pointer: '', subject: '', text: 'cannot be checked because its schema refers to itself without end' }]
    if (error instanceof PatternTooSlowError) {
      // Ajv stops at the throw, without saying where: the text it was testing says.
      const path = pathOfText(value, error.text) ?? []
      return [{ pointer: toPointer(path), subject: path.join('.'), text: tooSlowText(error.pattern), quotesNoValue: true }]
    }
    throw error
  }
  if (valid) return []
  const problems: SchemaProblem[] = []
  const seen = new Set<string>()
  for (const error of validate.errors ?? []) {
    if (error.keyword === 'if' || error.keyword === 'anyOf') continue
    const problem = describeValueError(error)
    const key = `${problem.pointer}|${problem.text}`
    if (!seen.has(key)) problems.push(problem)
    seen.add(key)
  }
  return problems
}

function describeValueError(error: ErrorObject): SchemaProblem {
  const segments = pointerSegments(error.instancePath)
  const at = { pointer: error.instancePath, subject: segments.join('.') }
  switch (error.keyword) {
    case 'additionalProperties': {
      const extra = String((error.params as { additionalProperty: string }).additionalProperty)
      const known = Object.keys((error.parentSchema as { properties?: object } | undefined)?.properties ?? {})
      return { pointer: toPointer([...segments, extra]), subject: at.subject, unknownKey: extra,
        text: `has unknown key '${extra}'${suggestFix(extra, known, 'allowed keys', 'no keys are allowed').replace(/\.$/, '')}` }
    }
    case 'required':
      return { ...at, text: `is missing the required key '${String((error.params as { missingProperty: string }).missingProperty)}'` }
    case 'type': {
      const want = ([] as string[]).concat((error.params as { type: string | string[] }).type).flatMap((t) => t.split(','))
      return { ...at, text: `must be ${want.map(jsonTypeArticle).join(' or ')}, not ${describeJsonValue(error.data)}` }
    }
    case 'enum': {
      const allowed = (error.params as { allowedValues: unknown[] }).allowedValues.map((v) => (typeof v === 'string' ? v : JSON.stringify(v)))
      return { ...at, text: `is ${describeJsonValue(error.data)}; use ${listChoices(allowed)}` }
    }
    case 'uniqueItems': {
      // Point at the later of the two, the one to remove.
      const { i, j } = error.params as { i: number; j: number }
      const item = Array.isArray(error.data) ? (error.data as unknown[])[j] : undefined
      return { pointer: toPointer([...segments, j]), subject: at.subject, text: `lists ${describeJsonValue(item)} twice (items ${i} and ${j}); remove the repeat` }
    }
    default:
      return { ...at, text: error.message ?? 'is invalid' }
  }
}

function valueAt(root: unknown, segments: readonly string[]): unknown {
  let node = root
  for (const segment of segments) {
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, segment)) return undefined
    node = (node as Record<string, unknown>)[segment]
  }
  return node
}
