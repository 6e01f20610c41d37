/**
 * The small schema checker used on the common path must agree with Ajv on every schema it accepts,
 * and step aside (undefined) for keywords it does not implement.
 */
import { describe, expect, test } from 'vitest'
import { checkSimpleSchema } from '../../../src/spec/simple-schema.ts'
import { checkAgainstSchema, checkSchemaDefinition, compileSchema } from '../../../src/spec/json-schema.ts'
import type { JsonSchema } from '../../../src/spec/model.ts'
import { isPlainValidSchema } from '../../../src/spec/simple-schema.ts'
import validateMetaSchema from '../../../src/spec/generated/validate-json-schema.cjs'

const SCHEMAS: JsonSchema[] = [
  true,
  false,
  { type: 'number' },
  { type: 'integer', minimum: 0, maximum: 10 },
  { type: 'number', multipleOf: 0.5 },
  { type: 'integer', multipleOf: 3 },
  { multipleOf: 1024 },
  { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 },
  { type: ['string', 'null'] },
  { type: 'string', minLength: 2, maxLength: 3 },
  { type: 'string', pattern: '^[a-z]+$' },
  { type: 'string', pattern: '\\p{L}+' },
  { enum: ['DE', 'FR', 1, null, { a: 1 }, [1, 2]] },
  { const: { a: [1, { b: 2 }] } },
  { type: 'array', items: { type: 'integer' }, minItems: 1, maxItems: 2 },
  { type: 'object', properties: { a: { type: 'string' }, b: { type: 'number' } }, required: ['a'], additionalProperties: false },
  { type: 'object', additionalProperties: { type: 'boolean' }, minProperties: 1, maxProperties: 2 },
  { type: 'object', properties: { nested: { type: 'object', properties: { deep: { enum: [1, 2] } } } } },
  { type: 'string', format: 'date', description: 'formats are annotations here', 'x-custom': 1 },
  { properties: { a: { type: 'integer' } } }, // no type: non-objects pass
]
const VALUES: unknown[] = [
  null, true, false, 0, 1, 1.0, 1.5, -1, 10, 11, 0.5, 3, 9, 2048, 1023, 0.1, 1e21, -4.5, '', 'a', 'ab', 'abc', 'abcd', 'AB', '😀😀', 'ümlaut', 'DE', 'XX',
  [], [1], [1, 2], [1, 2, 3], ['a'], [1.5], {}, { a: 'x' }, { a: 1 }, { a: 'x', b: 2 }, { a: 'x', c: 1 }, { b: 1 },
  { x: true }, { x: true, y: false, z: true }, { x: 1 }, { a: 1 }, { a: [1, { b: 2 }] }, { nested: { deep: 3 } }, { nested: { deep: 1 } },
  '2024-13-99',
]

describe('checkSimpleSchema agrees with Ajv', () => {
  test.each(SCHEMAS.map((s) => [JSON.stringify(s), s] as const))('%s', async (_name, schema) => {
    const ajv = await compileSchema(schema)
    if (ajv instanceof Error) throw ajv
    for (const value of VALUES) {
      const simple = checkSimpleSchema(value, schema)
      expect(simple, 'the schema is in the subset').toBeDefined()
      expect(simple!.length === 0, `${JSON.stringify(value)}: ${JSON.stringify(simple)}`).toBe(ajv(value))
    }
  })

  test.each([
    { anyOf: [{ type: 'string' }, { type: 'number' }] },
    { $ref: '#/$defs/X', $defs: { X: { type: 'string' } } },
    { type: 'object', properties: { a: { oneOf: [{ type: 'string' }] } } },
    { type: 'array', items: { not: { type: 'string' } } },
    { type: 'array', uniqueItems: true },
    { type: 'string', pattern: '([a-z' },
  ])('steps aside for %j', (schema) => {
    expect(checkSimpleSchema('x', schema)).toBeUndefined()
  })
})

describe('problems read as sentences', () => {
  test('type, enum, required, unknown keys and bounds', async () => {
    const schema = { type: 'object', properties: { compression: { enum: ['zstd', 'gzip'] }, level: { type: 'integer', minimum: 1 } }, required: ['bucket'], additionalProperties: false }
    expect(await checkAgainstSchema({ compression: 'zstdd', level: 0, rot: 1 }, schema)).toEqual([
      { pointer: '', subject: '', text: "is missing the required key 'bucket'" },
      { pointer: '/compression', subject: 'compression', text: "is the string 'zstdd'; did you mean 'zstd'?" },
      { pointer: '/level', subject: 'level', text: 'must be at least 1, not 0' },
      { pointer: '/rot', subject: '', unknownKey: 'rot', text: 'has unknown key \'rot\'; allowed keys are \'compression\' and \'level\'' },
    ])
  })

  test('schemas outside the subset are checked by Ajv with the same kind of wording', async () => {
    expect(await checkAgainstSchema(3, { anyOf: [{ type: 'string' }, { type: 'boolean' }] })).toEqual([
      { pointer: '', subject: '', text: 'must be a string, not the number 3' },
      { pointer: '', subject: '', text: 'must be a boolean, not the number 3' },
    ])
  })
})

describe('checkSchemaDefinition', () => {
  test('accepts valid schemas without loading Ajv', async () => {
    expect(await checkSchemaDefinition({ type: 'object', properties: { a: { type: 'string', pattern: '^x' } }, required: ['a'] })).toEqual([])
  })

  test('points inside the schema at the bad keyword', async () => {
    expect(await checkSchemaDefinition({ type: 'object', properties: { a: { type: 'strng' } }, required: 'a' })).toEqual([
      { pointer: '/properties/a/type', subject: 'properties.a.type', text: "is the string 'strng'; did you mean 'string'?" },
      { pointer: '/required', subject: 'required', text: 'must be a list, not the string \'a\'' },
    ])
  })

  test('rejects regular expressions JavaScript cannot compile, in pattern and patternProperties', async () => {
    const problems = await checkSchemaDefinition({ type: 'string', pattern: '(', patternProperties: { '[': {} } })
    expect(problems.map((p) => p.pointer)).toEqual(['/pattern', '/patternProperties/['])
  })
})

describe('isPlainValidSchema', () => {
  const candidates: unknown[] = [
    ...SCHEMAS,
    { type: 'numbr' }, { type: [] }, { type: ['string', 'string'] }, { required: 'a' }, { required: ['a', 'a'] }, { minLength: -1 },
    { minLength: 1.5 }, { enum: 'a' }, { pattern: '(' }, { properties: { a: { type: 'x' } } }, { items: [{}] }, { examples: 1 },
    { description: 3 }, { additionalProperties: 'no' }, { anyOf: [] }, null, 3, 'string', [],
  ]
  test.each(candidates.map((c) => [JSON.stringify(c), c] as const))('%s: never calls an invalid schema valid', (_name, schema) => {
    if (isPlainValidSchema(schema)) expect(validateMetaSchema(schema)).toBe(true)
  })

  test('accepts the plain schemas specs use, so the meta-schema is not loaded for them', () => {
    expect(SCHEMAS.filter((s) => !isPlainValidSchema(s)).map((s) => JSON.stringify(s))).toEqual(['{"type":"string","format":"date","description":"formats are annotations here","x-custom":1}'])
  })
})
