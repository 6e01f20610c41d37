/**
 * The runtime's plain-schema check (simple-check.ts) must say what Ajv says: the same errors, at the
 * same places, in the same order, on generated schemas and values; and it must step aside for
 * schemas it does not cover.
 */
import { describe, expect, test } from 'vitest'
import { compileSchema } from '../../../src/spec/compile-schema.ts'
import { isRuntimeSimple, simpleCheckErrors } from '../../../src/runtime/simple-check.ts'
import { compileCheck } from '../../../src/runtime/compile-check.ts'
import type { JsonSchema, Pipeline } from '../../../src/spec/model.ts'

let seed = 11
const random = (n: number): number => (seed = (seed * 1103515245 + 12345) % 2147483648) % n
const pick = <T>(items: readonly T[]): T => items[random(items.length)]!

const TYPES = ['string', 'number', 'integer', 'boolean', 'null', 'array', 'object'] as const

function randomSchema(depth: number): Record<string, unknown> {
  const schema: Record<string, unknown> = {}
  const first = pick(TYPES)
  const type = random(5) === 0 ? [first, pick(TYPES.filter((t) => t !== first))] : random(6) === 0 ? undefined : pick(TYPES)
  if (type !== undefined) schema.type = type
  const main = Array.isArray(type) ? type[0] : type ?? pick(TYPES)
  if (random(6) === 0) schema.enum = [1, 'a', null, { k: 1 }].slice(0, 1 + random(4))
  if (random(10) === 0) schema.const = pick([1, 'a', [1], { k: 1 }])
  if (main === 'number' || main === 'integer') {
    for (const k of ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum']) if (random(3) === 0) schema[k] = random(10) - 3
    if (random(4) === 0) schema.multipleOf = pick([2, 0.5, 3])
  }
  if (main === 'string') {
    if (random(2) === 0) schema.minLength = random(4)
    if (random(2) === 0) schema.maxLength = random(4)
    if (random(3) === 0) schema.pattern = pick(['^a', 'b$', '[0-9]+'])
  }
  if (main === 'array') {
    if (random(2) === 0) schema.minItems = random(3)
    if (random(2) === 0) schema.maxItems = random(3)
    if (depth > 0 && random(2) === 0) schema.items = randomSchema(depth - 1)
  }
  if (main === 'object') {
    if (random(3) === 0) schema.minProperties = random(3)
    if (random(3) === 0) schema.maxProperties = random(3)
    const names = ['a', 'b', 'c'].filter(() => random(2) === 0)
    if (depth > 0 && names.length) schema.properties = Object.fromEntries(names.map((n) => [n, randomSchema(depth - 1)]))
    if (random(2) === 0) schema.required = ['a', 'b', 'd'].filter(() => random(2) === 0)
    if (random(3) === 0) schema.additionalProperties = depth > 0 && random(2) === 0 ? randomSchema(depth - 1) : false
  }
  return schema
}

function randomValue(depth: number): unknown {
  switch (random(depth > 0 ? 9 : 7)) {
    case 0: return pick(['', 'a', 'ab', 'abc', 'b', '123', 'aé😀'])
    case 1: return pick([0, 1, -2, 1.5, 3, 6, 100])
    case 2: return pick([true, false])
    case 3: return null
    case 4: return pick([1, 'a', null])
    case 5: return { k: 1 }
    case 6: return [1]
    case 7: return Array.from({ length: random(4) }, () => randomValue(depth - 1))
    default: return Object.fromEntries(['a', 'b', 'c', 'd'].filter(() => random(2) === 0).map((k) => [k, randomValue(depth - 1)]))
  }
}

describe('plain schemas are checked as Ajv checks them', () => {
  test('the same errors, places and order as Ajv on 4,000 generated cases', async () => {
    let failing = 0
    for (let i = 0; i < 4000; i++) {
      const schema = randomSchema(2)
      const value = randomValue(2)
      expect(isRuntimeSimple(schema), JSON.stringify(schema)).toBe(true)
      const validate = await compileSchema(schema)
      if (validate instanceof Error) throw validate
      const ajv = validate(value) ? [] : (validate.errors ?? []).map((e) => ({ instancePath: e.instancePath, keyword: e.keyword, message: e.message }))
      const ours = simpleCheckErrors(value, schema).map(({ instancePath, keyword, message }) => ({ instancePath, keyword, message }))
      expect(ours, `${JSON.stringify(schema)} ← ${JSON.stringify(value)}`).toEqual(ajv)
      if (ajv.length) failing++
    }
    // The cases are not all trivially valid.
    expect(failing).toBeGreaterThan(1000)
  })

  test('a key holding undefined counts as missing, as in Ajv', () => {
    expect(simpleCheckErrors({ total: undefined }, { type: 'object', required: ['total'] })).toMatchObject([{ keyword: 'required', missingProperty: 'total' }])
  })
})

describe('what it leaves to Ajv', () => {
  test.each([
    [{ $ref: '#/$defs/x' }],
    [{ anyOf: [{ type: 'string' }] }],
    [{ type: 'array', uniqueItems: true }],
    [{ type: 'string', nullable: true }],
    [{ type: 'object', properties: { a: { oneOf: [] } } }],
    [{ type: 'array', items: [{ type: 'string' }] }],
  ])('%j', (schema) => {
    expect(isRuntimeSimple(schema as JsonSchema)).toBe(false)
  })
})

describe('compileCheck', () => {
  const pipeline = { types: {} } as unknown as Pipeline
  test('plain and Ajv-checked schemas give the same words, never the checked value', async () => {
    const plain = await compileCheck(pipeline, { type: 'object', properties: { total: { type: 'number' } }, required: ['total', 'n'] })
    const viaAjv = await compileCheck(pipeline, { type: 'object', properties: { total: { type: 'number' } }, required: ['total', 'n'], allOf: [true] })
    for (const check of [plain, viaAjv]) {
      expect(check({ total: 'hunter2', n: 1 })).toEqual(["'total' must be number"])
      expect(check({ total: 1 })).toEqual(["'n' is required"])
      expect(check({ total: 1, n: 2 })).toEqual([])
    }
  })
})
