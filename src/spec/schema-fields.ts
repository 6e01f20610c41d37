/**
 * What a declared JSON Schema says about the fields a reference path reads
 * (`${{ tasks.x.output.a.b }}`, `${{ item.a.b }}`). A path reads properties of JSON objects only:
 * a string's `length` or an array's elements are not fields. The answer is "no such field" only
 * when the schema settles it; anything it leaves open (`{}`, `oneOf`, a `$ref` outside `types:`)
 * is unknown, so a check built on this never reports a field that could exist.
 */
import { isObject } from './collect.ts'
import type { RawObject } from './collect.ts'
import { listChoices } from './did-you-mean.ts'

/** What a schema says about one field of its values. */
export type FieldLookup =
  /** The field is declared (or typed by `additionalProperties`): its schema. */
  | { readonly kind: 'field'; readonly schema: unknown }
  /** The values are never objects (`type: string`): no field exists. */
  | { readonly kind: 'not-object'; readonly declared: string }
  /** The values are objects whose keys are all listed, and this one is not. */
  | { readonly kind: 'no-field'; readonly fields: readonly string[] }
  /** The schema does not settle it. */
  | { readonly kind: 'unknown' }

/** The first step of a path that a schema rules out: `path[index]` is `lookup`'s missing field. */
export interface FieldPathProblem {
  readonly index: number
  readonly lookup: Extract<FieldLookup, { kind: 'not-object' | 'no-field' }>
}

/** Keywords that combine schemas: the keys of the values they accept are not settled by one level. */
const COMBINATORS = ['allOf', 'anyOf', 'oneOf', 'not', 'if', 'then', 'else', 'dependentSchemas'] as const
/** Keys beside a `$ref` that only annotate it (anything else intersects with the referenced type). */
const ANNOTATIONS = new Set(['$ref', 'description', 'title', '$comment', 'default', 'examples', 'deprecated', 'readOnly', 'writeOnly'])

/**
 * Whether an object schema lists `properties` and says nothing about other keys. JSON Schema leaves
 * such an object open, but weir treats it as closed: the generated TypeScript type has exactly the
 * listed keys (docs/handlers.md), and a reference to another key is refused, so the two agree.
 */
export function listsEveryKey(schema: Readonly<Record<string, unknown>>): boolean {
  return isObject(schema.properties) && !('additionalProperties' in schema) && !('patternProperties' in schema) && !('unevaluatedProperties' in schema)
}

/**
 * Follows `$ref: "#/types/<Name>"` (a few steps at most; cycles are `rules/type-refs.ts`'s to
 * report). Undefined for a `$ref` that leads elsewhere.
 */
export function resolveTypeRef(types: RawObject, schema: unknown): unknown {
  let current = schema
  for (let step = 0; step < 16 && isObject(current) && typeof current.$ref === 'string'; step++) current = referencedType(types, current.$ref)
  return current
}

/** The one JSON type a schema declares (`type: array`), or undefined when it declares none or several. */
export function declaredKind(types: RawObject, schema: unknown): string | undefined {
  const resolved = resolveTypeRef(types, schema)
  if (!isObject(resolved)) return undefined
  if (typeof resolved.type === 'string') return resolved.type
  if (Array.isArray(resolved.type) && resolved.type.includes('array')) return 'array'
  return undefined
}

/** What `schema` says about field `key` of its values (`types` holds the spec's `types:`). */
export function lookUpField(types: RawObject, schema: unknown, key: string): FieldLookup {
  const resolved = resolvePlainRef(types, schema)
  if (!isObject(resolved)) return UNKNOWN
  const kinds = declaredKinds(resolved)
  // `type` holds whatever else the schema says: values that are never objects have no fields.
  if (kinds !== undefined && !kinds.includes('object')) return { kind: 'not-object', declared: kinds.join(' or ') }
  const properties = isObject(resolved.properties) ? resolved.properties : undefined
  if (properties && Object.hasOwn(properties, key)) return { kind: 'field', schema: properties[key] }
  if ('patternProperties' in resolved) return UNKNOWN
  const extra = resolved.additionalProperties
  if (extra === false) return { kind: 'no-field', fields: Object.keys(properties ?? {}) }
  if (isObject(extra)) return { kind: 'field', schema: extra }
  const closedByListing = kinds !== undefined && listsEveryKey(resolved) && !COMBINATORS.some((k) => k in resolved)
  return closedByListing ? { kind: 'no-field', fields: Object.keys(properties!) } : UNKNOWN
}

/** The first field of `path` that `schema` rules out, or undefined when every step may exist. */
export function findMissingField(types: RawObject, schema: unknown, path: readonly string[]): FieldPathProblem | undefined {
  let current = schema
  for (let index = 0; index < path.length; index++) {
    const lookup = lookUpField(types, current, path[index]!)
    if (lookup.kind === 'unknown') return undefined
    if (lookup.kind !== 'field') return { index, lookup }
    current = lookup.schema
  }
  return undefined
}

/** The schema at the end of `path`, when every step is declared; undefined otherwise. */
export function fieldSchemaAt(types: RawObject, schema: unknown, path: readonly string[]): unknown {
  let current = schema
  for (const key of path) {
    const lookup = lookUpField(types, current, key)
    if (lookup.kind !== 'field') return undefined
    current = lookup.schema
  }
  return current
}

/** The declared fields, for a message: `fields: 'a' or 'b'`. */
export function formatFields(fields: readonly string[]): string {
  return fields.length === 0 ? 'no fields are declared' : `fields: ${listChoices(fields)}`
}

const UNKNOWN: FieldLookup = { kind: 'unknown' }

/** The JSON types `type` lists, or undefined when it lists none. */
function declaredKinds(schema: RawObject): readonly string[] | undefined {
  const kinds = typeof schema.type === 'string' ? [schema.type] : Array.isArray(schema.type) ? schema.type.filter((t) => typeof t === 'string') : []
  return kinds.length > 0 ? kinds : undefined
}

/** `resolveTypeRef`, but a `$ref` with constraints beside it (an intersection) is left unresolved. */
function resolvePlainRef(types: RawObject, schema: unknown): unknown {
  let current = schema
  for (let step = 0; step < 16 && isObject(current) && typeof current.$ref === 'string'; step++) {
    if (Object.keys(current).some((k) => !ANNOTATIONS.has(k))) return undefined
    current = referencedType(types, current.$ref)
  }
  return current
}

/** The entry of `types:` that `#/types/<Name>` names; undefined for any other `$ref`. */
function referencedType(types: RawObject, ref: string): unknown {
  const match = /^#\/types\/([A-Za-z_][A-Za-z0-9_]*)$/.exec(ref)
  return match && Object.hasOwn(types, match[1]!) ? types[match[1]!] : undefined
}
