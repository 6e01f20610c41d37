/**
 * Ajv, loaded on first use, for the JSON Schemas outside simple-schema.ts's subset: what the runtime
 * checks outputs and values with (runtime/compile-check.ts). Apart from json-schema.ts, whose checks
 * of a schema itself load the precompiled meta-schema validator, which a task process never needs.
 */
import type { ValidateFunction } from 'ajv'
import type { JsonSchema } from './model.ts'
import { ajvRegExp } from './safe-pattern.ts'

type Ajv2020 = import('ajv/dist/2020.js').default
type AjvClass = new (options: import('ajv').Options) => Ajv2020

let ajvInstance: Promise<Ajv2020> | undefined
const compiled = new WeakMap<object, ValidateFunction | Error>()

async function loadAjv(): Promise<Ajv2020> {
  ajvInstance ??= import('ajv/dist/2020.js').then((mod) => {
    // CommonJS interop: the class is `default` or `default.default` depending on the loader.
    const exported = mod.default as unknown as { default?: AjvClass } & AjvClass
    const Ajv: AjvClass = exported.default ?? exported
    // Every pattern (`pattern`, `patternProperties`, `propertyNames`) is tested so that it ends:
    // a validator throws PatternTooSlowError rather than hang (safe-pattern.ts).
    return new Ajv({ allErrors: true, strict: false, verbose: true, allowUnionTypes: true, validateFormats: false, code: { regExp: ajvRegExp } })
  })
  return ajvInstance
}

/** Compiles a schema with Ajv; returns the compile error when the schema itself is invalid. */
export async function compileSchema(schema: JsonSchema): Promise<ValidateFunction | Error> {
  const key = typeof schema === 'boolean' ? (schema ? TRUE_KEY : FALSE_KEY) : schema
  const cached = compiled.get(key)
  if (cached) return cached
  const ajv = await loadAjv()
  let result: ValidateFunction | Error
  try {
    result = ajv.compile(typeof schema === 'boolean' ? (schema ? {} : { not: {} }) : { ...schema, $id: undefined })
  } catch (error) {
    result = error instanceof Error ? error : new Error(String(error))
  }
  compiled.set(key, result)
  return result
}
const TRUE_KEY = {}
const FALSE_KEY = {}
