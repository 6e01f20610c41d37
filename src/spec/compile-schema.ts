/**
 * Ajv, loaded on first use, for the JSON Schemas outside simple-schema.ts's subset: what the runtime
 * checks outputs and values with (runtime/compile-check.ts). Apart from json-schema.ts, whose checks
 * of a schema itself load the precompiled meta-schema validator, which a task process never needs.
 */
import type { ErrorObject, ValidateFunction } from 'ajv'
import type { JsonSchema } from './model.ts'
import { ajvRegExp } from './safe-pattern.ts'
import { findRepeat, repeatMessage } from './unique-items.ts'

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
    // a validator throws PatternTooSlowError rather than hang (safe-pattern.ts). `ownProperties`:
    // a property is the value's own key, as in JSON and in simple-schema.ts; by default Ajv tests
    // `value[name] !== undefined`, which finds the function every object inherits as `constructor`
    // or `toString`, so a value without such a declared property failed its check.
    const ajv = new Ajv({ allErrors: true, strict: false, verbose: true, allowUnionTypes: true, validateFormats: false, ownProperties: true, code: { regExp: ajvRegExp } })
    withLinearUniqueItems(ajv)
    return ajv
  })
  return ajvInstance
}

/**
 * Ajv's `uniqueItems` compares every pair of items unless `items` declares a scalar type: quadratic
 * in a list's length. weir's own check (unique-items.ts) is linear, and reports what Ajv reports.
 */
function withLinearUniqueItems(ajv: Ajv2020): void {
  ajv.removeKeyword('uniqueItems')
  ajv.addKeyword({
    keyword: 'uniqueItems',
    type: 'array',
    schemaType: 'boolean',
    compile(unique: boolean) {
      if (!unique) return () => true
      const validate = (items: unknown[]): boolean => {
        const repeat = findRepeat(items)
        validate.errors = repeat === undefined ? undefined : [{ keyword: 'uniqueItems', message: repeatMessage(repeat), params: { ...repeat } }]
        return repeat === undefined
      }
      validate.errors = undefined as undefined | Partial<ErrorObject>[]
      return validate
    },
  })
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
