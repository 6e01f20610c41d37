/**
 * Checks task outputs and task values against the schemas a task declares. Validators are compiled
 * once per schema (lazily: a pipeline without schemas never loads Ajv).
 */
import type { JsonSchema, Pipeline } from '../spec/model.ts'
import { withPipelineTypes } from '../spec/model.ts'
import { compileSchema } from '../spec/compile-schema.ts'
import type { ValidateFunction } from 'ajv'

/** A sync check: returns problems, each naming the field (`'total' must be number`). */
export type SchemaCheck = (value: unknown) => string[]

const checks = new WeakMap<object, Promise<SchemaCheck>>()

/** Compiles (once per schema object) a check for `schema` with the pipeline's `types:` in scope. */
export function compileCheck(pipeline: Pipeline, schema: JsonSchema): Promise<SchemaCheck> {
  const key = typeof schema === 'object' ? schema : { boolean: schema }
  let check = typeof schema === 'object' ? checks.get(key) : undefined
  if (!check) {
    check = compileSchema(withPipelineTypes(pipeline, schema)).then((validate) => {
      if (validate instanceof Error) return () => [`the declared schema is invalid: ${validate.message}`]
      return (value: unknown) => describeErrors(validate, value)
    })
    if (typeof schema === 'object') checks.set(key, check)
  }
  return check
}

function describeErrors(validate: ValidateFunction, value: unknown): string[] {
  if (validate(value)) return []
  return (validate.errors ?? [])
    .filter((e) => e.keyword !== 'if' && e.keyword !== 'anyOf')
    .slice(0, 5)
    .map((e) => {
      let path = e.instancePath
      if (e.keyword === 'required') path += `/${String((e.params as { missingProperty: string }).missingProperty)}`
      const field = path ? `'${path.slice(1).replace(/\//g, '.')}' ` : ''
      const message = e.keyword === 'required' ? 'is required' : (e.message ?? 'is invalid')
      return `${field}${message}`
    })
}
