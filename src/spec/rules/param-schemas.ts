import type { JsonSchema } from '../model.ts'
import type { Rule } from './types.ts'
import { entriesOf, isObject } from '../collect.ts'
import { checkAgainstSchema, compileSchema, endSentence } from '../json-schema.ts'
import { toPointer } from '../parse.ts'

/** Params, outputs and values must be valid JSON Schemas, and param defaults must match them. */
export const paramSchemas: Rule = async ({ view, report }) => {
  const types = isObject(view.data.types) ? view.data.types : {}
  const withTypes = (schema: object): object => rewriteTypeRefs({ ...schema, $defs: types })
  const check = async (schema: unknown, path: (string | number)[]): Promise<boolean> => {
    if (!isObject(schema) || hasUnresolvedRef(schema, types)) return false
    const compiled = await compileSchema(withTypes(schema) as JsonSchema)
    if (compiled instanceof Error) {
      report({ code: 'INVALID_SCHEMA', pointer: toPointer(path), message: `This JSON Schema is invalid: ${compiled.message.replace(/\.$/, '')}; see https://json-schema.org/draft/2020-12.` })
      return false
    }
    return true
  }
  for (const [name, schema] of entriesOf(view.data.params)) {
    if (!(await check(schema, ['params', name])) || !isObject(schema) || !('default' in schema)) continue
    const { default: value, ...rest } = schema
    for (const problem of await checkAgainstSchema(value, withTypes(rest) as JsonSchema))
      report({ code: 'INVALID_DEFAULT', pointer: toPointer(['params', name, 'default']), message: `The default of param '${name}' does not match its schema: ${endSentence(problem.message)}` })
  }
  for (const [id, task] of view.tasks) {
    if (isObject(task.output) && task.output.type !== 'table') await check(task.output, ['tasks', id, 'output'])
    for (const [name, schema] of entriesOf(task.values)) await check(schema, ['tasks', id, 'values', name])
  }
}

/** `#/types/X` → `#/$defs/X`, so a schema with the pipeline's types under `$defs` resolves. */
export function rewriteTypeRefs<T>(schema: T): T {
  if (Array.isArray(schema)) return schema.map(rewriteTypeRefs) as T
  if (!isObject(schema)) return schema
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(schema))
    out[key] = key === '$ref' && typeof value === 'string' ? value.replace(/^#\/types\//, '#/$defs/') : rewriteTypeRefs(value)
  return out as T
}

function hasUnresolvedRef(schema: unknown, types: object): boolean {
  if (Array.isArray(schema)) return schema.some((s) => hasUnresolvedRef(s, types))
  if (!isObject(schema)) return false
  return Object.entries(schema).some(([key, value]) =>
    key === '$ref' ? typeof value !== 'string' || !value.startsWith('#/types/') || !Object.hasOwn(types, value.slice(8)) : hasUnresolvedRef(value, types),
  )
}
