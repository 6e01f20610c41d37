/**
 * A param value as text, and the types that say how such text is read. A value leaves a process as
 * text (`weir execute --param name=TEXT` from the subprocess executor, a job parameter of a generated
 * Databricks or Argo definition) and `weir execute` types it again by the param's schema (runtime/
 * params.ts): a `string` param takes the text as it is, `number`/`integer`/`boolean` parse it, and
 * anything else (untyped, a union, objects) takes JSON when the text parses as JSON. So the string
 * '42' of a `[string, number]` param must travel as `"42"`, or the remote task receives the number 42.
 */
import type { JsonSchema, Pipeline } from './model.ts'
import { resolveTypeRef } from './secret-schema.ts'
import type { SchemaTypes } from './secret-schema.ts'

/** The schema's `type` as a list (following `$ref`s to shared types); empty when it declares none. */
export function declaredParamTypes(schema: JsonSchema, types: SchemaTypes): readonly string[] {
  for (let hops = 0; typeof schema === 'object' && hops < 10; hops++) {
    if (schema.type !== undefined || typeof schema.$ref !== 'string') return Array.isArray(schema.type) ? (schema.type as string[]) : typeof schema.type === 'string' ? [schema.type] : []
    const target = resolveTypeRef(schema.$ref, types)
    if (target === undefined) return []
    schema = target
  }
  return []
}

/** Whether `--param` text of a param with these types is read as JSON when it parses as JSON. */
export function readsTextAsJson(types: readonly string[]): boolean {
  return !(types.length === 1 && ['string', 'number', 'integer', 'boolean'].includes(types[0]!))
}

/** The text that `--param name=TEXT` reads back as `value`: strings as they are unless they would read as JSON, anything else as JSON. */
export function paramText(pipeline: Pipeline, name: string, value: unknown): string {
  if (typeof value !== 'string') return JSON.stringify(value)
  const decl = Object.hasOwn(pipeline.params, name) ? pipeline.params[name] : undefined
  if (decl === undefined || !readsTextAsJson(declaredParamTypes(decl.schema, pipeline.types))) return value
  return isJsonText(value) ? JSON.stringify(value) : value
}

function isJsonText(text: string): boolean {
  try {
    JSON.parse(text)
    return true
  } catch {
    return false
  }
}
