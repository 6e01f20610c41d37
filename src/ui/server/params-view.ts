/** A param as the start form sees it: a secret's default and examples never leave the server. */
import type { ParamDecl, Pipeline } from '../../spec/model.ts'
import { isSecretParam } from '../../runtime/params.ts'
import type { UiParam } from '../api-types.ts'

/** Keys of a JSON Schema that may carry a value of the param: dropped from a secret's schema. */
const VALUE_KEYS = new Set(['default', 'examples', 'const', 'enum', 'example'])

export function toUiParam(pipeline: Pipeline, decl: ParamDecl): UiParam {
  const secret = isSecretParam(pipeline, decl)
  return {
    name: decl.name,
    schema: secret ? stripValues(decl.schema) : decl.schema,
    required: !decl.hasDefault,
    secret,
    ...(!secret && decl.hasDefault && { default: decl.default }),
  }
}

function stripValues(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(stripValues)
  if (typeof schema !== 'object' || schema === null) return schema
  return Object.fromEntries(Object.entries(schema).filter(([k]) => !VALUE_KEYS.has(k)).map(([k, v]) => [k, stripValues(v)]))
}
