/**
 * Properties named like the members every JavaScript object inherits (`constructor`, `toString`, …)
 * are ordinary data inside JSON Schemas (docs/spec.md): an optional one that a value does not have
 * is absent, not the inherited function. Weir's own checker read own keys; Ajv, which checks the
 * schemas outside its subset (a `$ref`, `allOf`, …), read `value[name]` and failed a value without
 * the property ("'constructor' must be string"): param defaults, --param values and outputs alike.
 */
import { describe, expect, test } from 'vitest'
import { checkAgainstSchema } from '../../../src/spec/json-schema.ts'
import { compileCheck } from '../../../src/runtime/compile-check.ts'
import type { JsonSchema, Pipeline } from '../../../src/spec/model.ts'

const T: JsonSchema = { type: 'object', properties: { constructor: { type: 'string' }, toString: { type: 'string' }, hasOwnProperty: { type: 'integer' } } }
const pipeline = { types: { T } } as unknown as Pipeline

describe.each([
  ['a $ref to a shared type', { $ref: '#/$defs/T' }],
  ['allOf (outside the simple subset)', { ...(T as object), allOf: [{ type: 'object' }] }],
])('a schema with properties named constructor, toString, hasOwnProperty, through %s', (_name, schema) => {
  test('the runtime check (outputs, values, params) accepts a value without them and checks them when given', async () => {
    const check = await compileCheck(pipeline, schema as JsonSchema)
    expect(check({ a: 1 })).toEqual([])
    expect(check({})).toEqual([])
    expect(check({ constructor: 'x', toString: 'y', hasOwnProperty: 1 })).toEqual([])
    expect(check({ constructor: 5 }).join(' ')).toContain('constructor')
  })

  test('spec validation (a param default) accepts a value without them', async () => {
    const full = { ...(schema as object), $defs: { T } } as JsonSchema
    expect(await checkAgainstSchema({ a: 1 }, full)).toEqual([])
    expect(await checkAgainstSchema({ toString: 3 }, full)).not.toEqual([])
  })
})
