/**
 * The pipeline's `types:` in JSON Schemas: a `$ref` to `#/types/X` is written as `#/$defs/X` with the
 * types under `$defs`, so that a schema validator resolves it. Apart from the rule that checks the
 * schemas (rules/param-schemas.ts), which loads the schema validator: normalize.ts needs only this.
 */
import type { JsonSchema } from './model.ts'
import { isObject } from './collect.ts'

/** A schema with the pipeline's `types:` under `$defs` (and `#/types/X` rewritten), so its `$ref`s resolve. */
export function withTypeDefs(schema: Record<string, unknown>, types: Record<string, unknown>): JsonSchema {
  if (!hasRef(schema)) return schema as JsonSchema
  return rewriteTypeRefs({ ...schema, $defs: types }) as JsonSchema
}

function hasRef(node: unknown): boolean {
  if (Array.isArray(node)) return node.some(hasRef)
  if (!isObject(node)) return false
  return Object.entries(node).some(([key, value]) => key === '$ref' || hasRef(value))
}

/** `#/types/X` → `#/$defs/X`, so a schema with the pipeline's types under `$defs` resolves. */
export function rewriteTypeRefs<T>(schema: T): T {
  if (Array.isArray(schema)) return schema.map(rewriteTypeRefs) as T
  if (!isObject(schema)) return schema
  // fromEntries defines own properties, so a key named `__proto__` stays a key and sets no prototype.
  return Object.fromEntries(
    Object.entries(schema).map(([key, value]) => [
      key,
      key === '$ref' && typeof value === 'string' ? value.replace(/^#\/types\//, '#/$defs/') : rewriteTypeRefs(value),
    ]),
  ) as T
}
