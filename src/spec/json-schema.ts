/**
 * Checks values against user- and plugin-supplied JSON Schemas (param defaults, plugin configs).
 * Ajv is imported lazily: most validations of small specs never need it.
 */
import type { ErrorObject, ValidateFunction } from 'ajv'
import type { JsonSchema } from './model.ts'
import { suggestFix } from './did-you-mean.ts'

type Ajv2020 = import('ajv/dist/2020.js').default
type AjvClass = new (options: import('ajv').Options) => Ajv2020

let ajvInstance: Promise<Ajv2020> | undefined
const compiled = new WeakMap<object, ValidateFunction | Error>()

async function loadAjv(): Promise<Ajv2020> {
  ajvInstance ??= import('ajv/dist/2020.js').then((mod) => {
    // CommonJS interop: the class is `default` or `default.default` depending on the loader.
    const exported = mod.default as unknown as { default?: AjvClass } & AjvClass
    const Ajv: AjvClass = exported.default ?? exported
    return new Ajv({ allErrors: true, strict: false, verbose: true, allowUnionTypes: true, validateFormats: false })
  })
  return ajvInstance
}

/** One problem of a value against a schema, relative to the value's own pointer. */
export interface SchemaProblem {
  readonly pointer: string
  readonly message: string
  readonly unknownKey?: string
}

/** Compiles a schema; returns the compile error message when the schema itself is invalid. */
export async function compileSchema(schema: JsonSchema): Promise<ValidateFunction | Error> {
  const wrapped = typeof schema === 'boolean' ? { not: schema ? {} : { not: {} } } : schema
  const cached = compiled.get(wrapped)
  if (cached) return cached
  const ajv = await loadAjv()
  let result: ValidateFunction | Error
  try {
    result = ajv.compile(typeof schema === 'boolean' ? (schema ? {} : { not: {} }) : { ...schema, $id: undefined })
  } catch (error) {
    result = error instanceof Error ? error : new Error(String(error))
  }
  compiled.set(wrapped, result)
  return result
}

/** Validates a value; an invalid schema yields one problem that says so. */
export async function checkAgainstSchema(value: unknown, schema: JsonSchema): Promise<SchemaProblem[]> {
  const validate = await compileSchema(schema)
  if (validate instanceof Error) return [{ pointer: '', message: `the schema is invalid: ${validate.message}` }]
  if (validate(value)) return []
  return (validate.errors ?? []).filter((e) => e.keyword !== 'if' && e.keyword !== 'anyOf').map(describeProblem)
}

function describeProblem(error: ErrorObject): SchemaProblem {
  if (error.keyword === 'additionalProperties') {
    const extra = String((error.params as { additionalProperty: string }).additionalProperty)
    const known = Object.keys(((error.parentSchema as { properties?: object } | undefined)?.properties) ?? {})
    return { pointer: `${error.instancePath}/${extra}`, unknownKey: extra, message: `unknown key '${extra}'${suggestFix(extra, known, 'allowed keys', 'no other keys are allowed')}` }
  }
  if (error.keyword === 'enum') {
    const allowed = (error.params as { allowedValues: unknown[] }).allowedValues.map((v) => `'${String(v)}'`).join(', ')
    return { pointer: error.instancePath, message: `${where(error.instancePath)}must be one of ${allowed}` }
  }
  return { pointer: error.instancePath, message: `${where(error.instancePath)}${error.message ?? 'is invalid'}` }
}

function where(pointer: string): string {
  return pointer ? `'${pointer.slice(1).replace(/\//g, '.')}' ` : ''
}

/** Adds a full stop unless the text already ends a sentence. */
export function endSentence(text: string): string {
  return /[.?!]$/.test(text) ? text : `${text}.`
}
