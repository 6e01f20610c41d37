/**
 * Which parts of a param's schema are secret: whatever it marks `writeOnly: true`, at any depth (a
 * `$ref` to a shared type, an object property, array items, a branch of allOf/anyOf/oneOf). The
 * runtime redacts those parts of recorded values (runtime/redact-secrets.ts); the targets warn
 * before writing a secret default into a job definition. Here, in spec, so both can ask.
 */
import type { JsonSchema } from './model.ts'

/** The pipeline's `types:`, which `#/types/X` (written) and `#/$defs/X` (normalized) refer to. */
export type SchemaTypes = Readonly<Record<string, JsonSchema>>

export type SchemaObject = { readonly [key: string]: unknown }

/** Keywords whose value is one subschema applying to the same value, or to its parts. */
const ONE_SCHEMA = ['additionalProperties', 'unevaluatedProperties', 'items', 'additionalItems', 'unevaluatedItems', 'contains', 'if', 'then', 'else'] as const
/** Keywords whose value is a list of subschemas. */
const SCHEMA_LISTS = ['allOf', 'anyOf', 'oneOf', 'prefixItems', 'items'] as const
/** Keywords whose value maps names to subschemas. */
const SCHEMA_MAPS = ['properties', 'patternProperties', 'dependentSchemas'] as const

/** Whether `schema` marks anything `writeOnly: true`, at any depth, following `$ref`s into `types`. */
export function hasSecret(schema: JsonSchema, types: SchemaTypes, seen = new Set<object>()): boolean {
  if (!isSchemaObject(schema) || seen.has(schema)) return false
  seen.add(schema)
  if (schema.writeOnly === true) return true
  if (typeof schema.$ref === 'string') {
    const target = resolveTypeRef(schema.$ref, types)
    if (target === undefined || hasSecret(target, types, seen)) return true
  }
  return subschemasOf(schema).some((sub) => hasSecret(sub, types, seen))
}

/** The shared type a `$ref` names: `#/types/X` as written, `#/$defs/X` once normalized (nothing else can). */
export function resolveTypeRef(ref: string, types: SchemaTypes): JsonSchema | undefined {
  const match = /^#\/(?:types|\$defs)\/([^/]+)$/.exec(ref)
  if (!match) return undefined
  const name = match[1]!.replace(/~1/g, '/').replace(/~0/g, '~')
  return Object.hasOwn(types, name) ? types[name] : undefined
}

function subschemasOf(schema: SchemaObject): JsonSchema[] {
  const out: JsonSchema[] = []
  for (const key of ONE_SCHEMA) if (isSchemaObject(schema[key])) out.push(schema[key])
  for (const key of SCHEMA_LISTS) out.push(...listOf(schema[key]))
  for (const key of SCHEMA_MAPS) out.push(...Object.values(mapOf(schema[key])))
  return out
}

export function listOf(value: unknown): JsonSchema[] {
  return Array.isArray(value) ? value.filter((v): v is JsonSchema => isSchemaObject(v) || typeof v === 'boolean') : []
}

export function mapOf(value: unknown): Readonly<Record<string, JsonSchema>> {
  return isSchemaObject(value) ? (value as Readonly<Record<string, JsonSchema>>) : {}
}

export function isSchemaObject(value: unknown): value is SchemaObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
