/**
 * Checks task outputs, task values and params against the schemas the spec declares. Plain schemas
 * are checked by simple-check.ts; the rest by Ajv, compiled once per schema and loaded on first use
 * (a pipeline whose schemas are all plain never loads it).
 */
import type { JsonSchema, Pipeline } from '../spec/model.ts'
import { withPipelineTypes } from '../spec/model.ts'
import { compileSchema } from '../spec/compile-schema.ts'
import type { ErrorObject } from 'ajv'
import { isRuntimeSimple, simpleCheckErrors } from './simple-check.ts'
import type { CheckError } from './simple-check.ts'
import { PatternTooSlowError, pathOfText, tooSlowCheckMessage } from '../spec/safe-pattern.ts'
import { toPointer } from '../spec/pointer.ts'

/** A sync check: returns problems, each naming the field (`'total' must be number`). */
export type SchemaCheck = (value: unknown) => string[]

const checks = new WeakMap<object, Promise<SchemaCheck>>()

/** Compiles (once per schema object) a check for `schema` with the pipeline's `types:` in scope. */
export function compileCheck(pipeline: Pipeline, schema: JsonSchema): Promise<SchemaCheck> {
  const key = typeof schema === 'object' ? schema : { boolean: schema }
  let check = typeof schema === 'object' ? checks.get(key) : undefined
  if (!check) {
    const full = withPipelineTypes(pipeline, schema)
    check = isRuntimeSimple(full)
      ? Promise.resolve((value: unknown) => describe(simpleCheckErrors(value, full)))
      : compileSchema(full).then((validate) => {
          if (validate instanceof Error) return () => [`the declared schema is invalid: ${validate.message}`]
          return (value: unknown) => {
            try {
              return validate(value) ? [] : describe((validate.errors ?? []).map(fromAjv))
            } catch (error) {
              if (!(error instanceof PatternTooSlowError)) throw error
              // Ajv stops at the throw, without saying where: the text it was testing says.
              const instancePath = toPointer(pathOfText(value, error.text) ?? [])
              return describe([{ instancePath, keyword: 'pattern', message: tooSlowCheckMessage(error.pattern) }])
            }
          }
        })
    if (typeof schema === 'object') checks.set(key, check)
  }
  return check
}

function fromAjv(error: ErrorObject): CheckError {
  const missing = error.keyword === 'required' ? String((error.params as { missingProperty: string }).missingProperty) : undefined
  return { instancePath: error.instancePath, keyword: error.keyword, message: error.message ?? 'is invalid', ...(missing !== undefined && { missingProperty: missing }) }
}

/**
 * A JSON pointer as a field name: `/a/0/b` → `a[0].b`, `/1` → `[1]` (a list's item reads as one,
 * not as a value '1'). Pointer escapes (`~1`, `~0`) are undone.
 */
function fieldName(pointer: string): string {
  let name = ''
  for (const raw of pointer.slice(1).split('/')) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~')
    name += /^(?:0|[1-9][0-9]*)$/.test(segment) ? `[${segment}]` : name === '' ? segment : `.${segment}`
  }
  return name
}

/** At most five problems, each naming the field: `'total' must be number`, `'total' is required`. */
function describe(errors: readonly CheckError[]): string[] {
  return errors
    .filter((e) => e.keyword !== 'if' && e.keyword !== 'anyOf')
    .slice(0, 5)
    .map((e) => {
      let path = e.instancePath
      if (e.keyword === 'required') path += `/${e.missingProperty}`
      const field = path ? `'${fieldName(path)}' ` : ''
      const message = e.keyword === 'required' ? 'is required' : e.message
      return `${field}${message}`
    })
}
