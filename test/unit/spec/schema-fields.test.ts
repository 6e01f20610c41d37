/**
 * What a declared schema says about a reference path's fields: "no such field" only where the
 * schema settles it, so OUTPUT_FIELD_UNKNOWN and ITEM_FIELD_UNKNOWN never refuse a field that could exist.
 */
import { describe, expect, test } from 'vitest'
import { findMissingField, lookUpField } from '../../../src/spec/schema-fields.ts'

const types = {
  Closed: { type: 'object', properties: { a: { type: 'number' } }, additionalProperties: false },
  Alias: { $ref: '#/types/Closed' },
  Text: { type: 'string' },
}

describe('lookUpField', () => {
  test.each([
    ['a number', { type: 'number' }, 'foo', { kind: 'not-object', declared: 'number' }],
    ['a string (length is not a field)', { type: 'string' }, 'length', { kind: 'not-object', declared: 'string' }],
    ['an array (length is not a field)', { type: 'array', items: {} }, 'length', { kind: 'not-object', declared: 'array' }],
    ['a string or null', { type: ['string', 'null'] }, 'x', { kind: 'not-object', declared: 'string or null' }],
    ['a closed object', { type: 'object', properties: { a: {} }, additionalProperties: false }, 'b', { kind: 'no-field', fields: ['a'] }],
    ['an object listing its keys (closed, as its generated type)', { type: 'object', properties: { a: {} } }, 'b', { kind: 'no-field', fields: ['a'] }],
    ['a closed object through types:', { $ref: '#/types/Alias', description: 'd' }, 'b', { kind: 'no-field', fields: ['a'] }],
    ['a string through types:', { $ref: '#/types/Text' }, 'length', { kind: 'not-object', declared: 'string' }],
  ])('%s rules the field out', (_, schema, key, want) => {
    expect(lookUpField(types, schema, key)).toEqual(want)
  })

  test.each([
    ['{}', {}],
    ['true', true],
    ['no schema', undefined],
    ['oneOf', { oneOf: [{ type: 'string' }, { type: 'object' }] }],
    ['anyOf of closed objects', { anyOf: [{ $ref: '#/types/Closed' }, { type: 'null' }] }],
    ['a $ref with constraints beside it', { $ref: '#/types/Closed', minProperties: 1 }],
    ['a $ref outside types:', { $ref: 'https://example.com/s.json' }],
    ['an object with additionalProperties: true', { type: 'object', properties: { a: {} }, additionalProperties: true }],
    ['an object with patternProperties', { type: 'object', properties: { a: {} }, patternProperties: { '^x': {} }, additionalProperties: false }],
    ['an object with allOf', { type: 'object', properties: { a: {} }, allOf: [{ properties: { b: {} } }] }],
    ['properties without a type (any value)', { properties: { a: {} } }],
    ['{ type: object } alone', { type: 'object' }],
  ])('%s leaves it open', (_, schema) => {
    expect(lookUpField(types, schema, 'b')).toEqual({ kind: 'unknown' })
  })

  test('a key typed by additionalProperties is a field of that schema', () => {
    const extra = { type: 'object', properties: { c: { type: 'number' } } }
    expect(lookUpField(types, { type: 'object', properties: { a: {} }, additionalProperties: extra }, 'b')).toEqual({ kind: 'field', schema: extra })
  })
})

describe('findMissingField', () => {
  const output = { type: 'object', properties: { a: { $ref: '#/types/Closed' }, any: {} }, additionalProperties: false }

  test('names the first step the schema rules out', () => {
    expect(findMissingField(types, output, ['a', 'b'])).toEqual({ index: 1, lookup: { kind: 'no-field', fields: ['a'] } })
    expect(findMissingField(types, output, ['a', 'a', 'x'])).toEqual({ index: 2, lookup: { kind: 'not-object', declared: 'number' } })
    expect(findMissingField(types, output, ['b', 'c'])).toEqual({ index: 0, lookup: { kind: 'no-field', fields: ['a', 'any'] } })
  })

  test('stops checking where the schema stops saying', () => {
    expect(findMissingField(types, output, ['any', 'b', 'c'])).toBeUndefined()
    expect(findMissingField(types, output, ['a', 'a'])).toBeUndefined()
  })
})
