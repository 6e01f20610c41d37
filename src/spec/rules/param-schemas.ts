import type { Rule } from './types.ts'
import { entriesOf, isObject } from '../collect.ts'
import { checkAgainstSchema, checkSchemaDefinition } from '../json-schema.ts'
import { problemSentence, secretProblemSentence } from '../schema-problem.ts'
import { hasSecret } from '../secret-schema.ts'
import type { SchemaTypes } from '../secret-schema.ts'
import { toPointer } from '../pointer.ts'
import { findNonFinite, nonFiniteMessage } from '../non-finite.ts'
import { findNul, nulMessage } from '../nul-char.ts'
import { withTypeDefs } from '../rewrite-type-refs.ts'

/** Params, types, outputs and values must be valid JSON Schemas, and param defaults must match them. */
export const paramSchemas: Rule = async ({ view, report }) => {
  const types = isObject(view.data.types) ? view.data.types : {}
  const check = async (schema: unknown, path: (string | number)[], noun: string): Promise<boolean> => {
    if (!isObject(schema)) return false // not a schema at all: the shape check says so
    const problems = await checkSchemaDefinition(schema)
    for (const problem of problems)
      report({ code: 'INVALID_SCHEMA', pointer: toPointer(path) + problem.pointer, message: problemSentence(noun, problem) })
    return problems.length === 0
  }
  for (const [name, schema] of entriesOf(view.data.types)) await check(schema, ['types', name], `type '${name}'`)
  for (const [name, schema] of entriesOf(view.data.params)) {
    if (!(await check(schema, ['params', name], `the schema of param '${name}'`)) || !isObject(schema) || !Object.hasOwn(schema, 'default')) continue
    if (hasUnresolvedRef(schema, types)) continue // reported by type-refs
    const { default: value, ...rest } = schema
    const nonFinite = findNonFinite(value)
    if (nonFinite !== undefined) {
      report({ code: 'INVALID_DEFAULT', pointer: toPointer(['params', name, 'default']) + nonFinite, message: nonFiniteMessage(`the default of param '${name}'`, nonFinite) })
      continue
    }
    const nul = findNul(value)
    if (nul !== undefined) {
      report({ code: 'INVALID_DEFAULT', pointer: toPointer(['params', name, 'default']) + nul, message: nulMessage(`the default of param '${name}'`, nul) })
      continue
    }
    // A secret's default is not echoed (spec.md: messages about a param holding a secret never show its value).
    const sentence = hasSecret(schema, types as SchemaTypes) ? secretProblemSentence : problemSentence
    for (const problem of await checkAgainstSchema(value, withTypeDefs(rest, types)))
      report({ code: 'INVALID_DEFAULT', pointer: toPointer(['params', name, 'default']) + problem.pointer, message: sentence(`the default of param '${name}'`, problem) })
  }
  for (const [id, task] of view.detailedTasks) {
    if (isObject(task.output) && task.output.type !== 'table') await check(task.output, ['tasks', id, 'output'], `the output schema of task '${id}'`)
    if (task.values !== undefined) for (const [name, schema] of entriesOf(task.values)) await check(schema, ['tasks', id, 'values', name], `the schema of value '${name}' of task '${id}'`)
  }
}

function hasUnresolvedRef(schema: unknown, types: object): boolean {
  if (Array.isArray(schema)) return schema.some((s) => hasUnresolvedRef(s, types))
  if (!isObject(schema)) return false
  return Object.entries(schema).some(([key, value]) =>
    key === '$ref' ? typeof value !== 'string' || !value.startsWith('#/types/') || !Object.hasOwn(types, value.slice(8)) : hasUnresolvedRef(value, types),
  )
}
