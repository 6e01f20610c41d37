/**
 * Secret parts of param values: whatever a param's schema marks `writeOnly: true`, at any depth (a
 * `$ref` to a shared type, an object property, array items, a branch of allOf/anyOf/oneOf). The run
 * store records values with exactly those parts replaced by REDACTED, and messages never echo a
 * value whose schema has a secret anywhere.
 *
 * Where the schema does not say which part of a value a secret schema applies to (an unresolvable
 * `$ref`, a value nested deeper than we walk), the whole value is redacted: over-redacting costs a
 * re-typed param on resume, under-redacting leaks a secret.
 */
import type { JsonSchema } from '../spec/model.ts'
import { compilePattern, PatternTooSlowError, type SafePattern } from '../spec/safe-pattern.ts'
import { hasSecret, isSchemaObject, listOf, mapOf, resolveTypeRef, type SchemaObject, type SchemaTypes } from '../spec/secret-schema.ts'

export { hasSecret, resolveTypeRef, type SchemaTypes } from '../spec/secret-schema.ts'

/** What the run store and messages show instead of a secret value. */
export const REDACTED = '[redacted]'

/** Deeper values are redacted whole rather than walked (a recursive type must not overflow the stack). */
const MAX_DEPTH = 200

/** `value` with every part that `schema` marks `writeOnly: true` replaced by REDACTED (a copy; `value` is not changed). */
export function redactSecrets(schema: JsonSchema, value: unknown, types: SchemaTypes): unknown {
  return redactAt(schema, value, types, new Set(), 0)
}

/** Whether a recorded value had something redacted (so a resume cannot reuse it). */
export function hasRedaction(value: unknown): boolean {
  if (value === REDACTED) return true
  if (Array.isArray(value)) return value.some(hasRedaction)
  return isPlainObject(value) && Object.values(value).some(hasRedaction)
}

/**
 * Applies every schema that applies to `value` itself (the schema, its `$ref`, its in-place
 * applicators), then walks into the value's parts. `seen` holds the schemas already applied at
 * this depth, so `$ref` cycles that do not descend into the value stop.
 */
function redactAt(schema: JsonSchema, value: unknown, types: SchemaTypes, seen: Set<object>, depth: number): unknown {
  if (!isSchemaObject(schema) || seen.has(schema) || value === REDACTED) return value
  seen.add(schema)
  if (schema.writeOnly === true) return REDACTED
  if (depth > MAX_DEPTH) return hasSecret(schema, types) ? REDACTED : value
  let out = value
  if (typeof schema.$ref === 'string') {
    const target = resolveTypeRef(schema.$ref, types)
    if (target === undefined) return REDACTED
    out = redactAt(target, out, types, seen, depth)
  }
  for (const sub of listOf(schema.allOf)) out = redactAt(sub, out, types, seen, depth)
  // Which branch of anyOf/oneOf validated is not known: apply each branch the value's type allows.
  for (const sub of [...listOf(schema.anyOf), ...listOf(schema.oneOf)]) if (mayHaveType(sub, out)) out = redactAt(sub, out, types, seen, depth)
  for (const key of ['if', 'then', 'else'] as const) out = redactAt(schema[key] as JsonSchema, out, types, seen, depth)
  for (const sub of Object.values(mapOf(schema.dependentSchemas))) out = redactAt(sub, out, types, seen, depth)
  if (Array.isArray(out)) return redactItems(schema, out, types, depth)
  if (isPlainObject(out)) return redactProperties(schema, out, types, depth)
  return out
}

function redactItems(schema: SchemaObject, items: readonly unknown[], types: SchemaTypes, depth: number): unknown[] {
  // 2020-12: prefixItems + items; draft 7: items as a list + additionalItems.
  const prefix = Array.isArray(schema.prefixItems) ? listOf(schema.prefixItems) : listOf(schema.items)
  const rest = Array.isArray(schema.items) ? (schema.additionalItems as JsonSchema | undefined) : (schema.items as JsonSchema | undefined)
  return items.map((item, i) => {
    const applying = [i < prefix.length ? prefix[i] : rest, schema.contains as JsonSchema | undefined]
    if (i >= prefix.length) applying.push(schema.unevaluatedItems as JsonSchema | undefined)
    return applyEach(applying, item, types, depth + 1)
  })
}

function redactProperties(schema: SchemaObject, value: Readonly<Record<string, unknown>>, types: SchemaTypes, depth: number): Record<string, unknown> {
  const properties = mapOf(schema.properties)
  const patterns = Object.entries(mapOf(schema.patternProperties)).map(([pattern, sub]) => [toRegExp(pattern), sub] as const)
  const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>
  for (const [key, item] of Object.entries(value)) {
    const applying: (JsonSchema | undefined)[] = []
    if (Object.hasOwn(properties, key)) applying.push(properties[key])
    // An invalid pattern (null), or one too slow on this key, is taken to match: conservative.
    for (const [re, sub] of patterns) if (re === null || matchesOrTooSlow(re, key)) applying.push(sub)
    if (applying.length === 0) applying.push(schema.additionalProperties as JsonSchema | undefined, schema.unevaluatedProperties as JsonSchema | undefined)
    out[key] = applyEach(applying, item, types, depth + 1)
  }
  return out
}

function applyEach(schemas: readonly (JsonSchema | undefined)[], value: unknown, types: SchemaTypes, depth: number): unknown {
  const seen = new Set<object>()
  let out = value
  for (const schema of schemas) if (schema !== undefined) out = redactAt(schema, out, types, seen, depth)
  return out
}

/** False only when the schema's own `type` rules the value out (then none of its annotations apply). */
function mayHaveType(schema: JsonSchema, value: unknown): boolean {
  if (!isSchemaObject(schema) || schema.type === undefined) return true
  const allowed = Array.isArray(schema.type) ? (schema.type as unknown[]) : [schema.type]
  const actual = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value
  if (actual === 'number') return allowed.includes('number') || (allowed.includes('integer') && Number.isInteger(value))
  return allowed.includes(actual)
}

function toRegExp(pattern: string): SafePattern | null {
  try {
    return compilePattern(pattern)
  } catch {
    return null
  }
}

function matchesOrTooSlow(pattern: SafePattern, key: string): boolean {
  try {
    return pattern.test(key)
  } catch (error) {
    if (error instanceof PatternTooSlowError) return true
    throw error
  }
}

function isPlainObject(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
