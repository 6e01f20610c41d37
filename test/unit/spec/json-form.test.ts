import { describe, expect, test } from 'vitest'
import { dollarPath, jsonForm } from '../../../src/spec/json-form.ts'
import { toPointer } from '../../../src/spec/pointer.ts'

const roundTrip = (value: unknown): unknown => JSON.parse(JSON.stringify(value)) as unknown

describe('jsonForm', () => {
  test('a value of plain objects, arrays and primitives comes back as it is, nothing copied', () => {
    const value = { a: [1, 'x', true, null, { b: [] }], c: { d: -0.5 }, e: Object.create(null) as object }
    const form = jsonForm(value)
    expect(form.value).toBe(value)
    expect((form.value as typeof value).a).toBe(value.a)
    for (const primitive of ['s', 1, false, null]) expect(jsonForm(primitive).value).toBe(primitive)
  })

  test.each([
    ['a Date', { when: new Date(0) }],
    ['toJSON of an object, given its key', { obj: { toJSON: (key: string) => `custom ${key}` } }],
    ['toJSON returning an object whose members convert too', { o: { toJSON: () => ({ at: new Date(1000), gone: undefined }) } }],
    ['toJSON in an array, given its index', [{ toJSON: (key: string) => key }, new Date(5)]],
    ['undefined, functions and symbols left out of objects', { a: undefined, f() {}, s: Symbol('s'), k: 1 }],
    ['undefined in an array, or a hole, as null', [undefined, 1, , 3]], // eslint-disable-line no-sparse-arrays
    ['boxed primitives as their primitive', { n: new Number(3), s: new String('x'), b: new Boolean(false) }],
    ['a Buffer inside a value as JSON writes it', { bytes: Buffer.from('hi') }],
    ['a top-level Date', new Date(86_400_000)],
    ['a key __proto__', JSON.parse('{"__proto__": {"x": new Date(0)}}'.replace('new Date(0)', '1')) as object],
  ])('%s: what JSON.parse(JSON.stringify(value)) gives', (_name, value) => {
    const form = jsonForm(value)
    expect(form.nonJson).toBeUndefined()
    expect(form.value).toStrictEqual(roundTrip(value))
  })

  test('an instance of a class stays as it is (JSON writes its own fields), unless strict', () => {
    const point = new (class Point { x = 1; y = 2 })()
    expect(jsonForm({ p: point }).value).toEqual({ p: point })
    expect(JSON.stringify(jsonForm({ p: point, d: new Date(0) }).value)).toBe(JSON.stringify({ p: point, d: new Date(0) }))
  })

  test('copies only what changes and never touches the value it was given', () => {
    const kept = { deep: [1, 2] }
    const value = { kept, when: new Date(0), list: [kept, new Date(0)] }
    const form = jsonForm(value).value as { kept: unknown; when: unknown; list: unknown[] }
    expect(form.kept).toBe(kept)
    expect(form.list[0]).toBe(kept)
    expect(form.when).toBe('1970-01-01T00:00:00.000Z')
    expect(value.when).toBeInstanceOf(Date)
  })

  test.each([
    [{ a: { b: [1, 2n] } }, ['a', 'b', 1], 'a BigInt'],
    [{ x: [NaN] }, ['x', 0], 'NaN'],
    [{ x: -Infinity }, ['x'], '-Infinity'],
    [{ m: new Map() }, ['m'], 'a Map'],
    [[new Set()], [0], 'a Set'],
    [[() => 1], [0], 'a function'],
    [{ t: { toJSON: () => new Map() } }, ['t'], 'a Map'],
    [1n, [], 'a BigInt'],
    [undefined, [], 'undefined'],
    [Symbol('s'), [], 'a symbol'],
  ])('refuses %o at %j: %s', (value, path, what) => {
    expect(jsonForm(value).nonJson).toMatchObject({ path, what })
  })

  test('refuses a cycle, and accepts an object met twice without one', () => {
    const cycle: Record<string, unknown> = { a: 1 }
    cycle.self = { back: cycle }
    expect(jsonForm(cycle).nonJson).toMatchObject({ path: ['self', 'back'], what: 'a circular reference' })
    const shared = { x: 1 }
    expect(jsonForm({ a: shared, b: [shared] }).nonJson).toBeUndefined()
  })

  test('strict (task values): also what JSON would quietly lose, a function or symbol member and an instance of a class without toJSON', () => {
    expect(jsonForm({ f() {} }, { strict: true }).nonJson).toMatchObject({ path: ['f'], what: 'a function' })
    expect(jsonForm({ s: Symbol('s') }, { strict: true }).nonJson).toMatchObject({ path: ['s'], what: 'a symbol' })
    expect(jsonForm({ e: [new Error('x')] }, { strict: true }).nonJson).toMatchObject({ path: ['e', 0], what: 'an instance of Error' })
    expect(jsonForm(new (class Klass {})(), { strict: true }).nonJson).toMatchObject({ path: [], what: 'an instance of Klass' })
    // A Date, an object with toJSON and undefined members are JSON's to convert.
    expect(jsonForm({ when: new Date(0), o: { toJSON: () => 'custom' }, u: undefined }, { strict: true }).value).toEqual({ when: '1970-01-01T00:00:00.000Z', o: 'custom' })
  })

  test('what a toJSON or a getter throws is not swallowed', () => {
    expect(() => jsonForm({ t: { toJSON: () => { throw new Error('mine') } } })).toThrow('mine')
  })

  test('paths as the messages write them', () => {
    expect(toPointer(['a', 0, 'b/c', '~'])).toBe('/a/0/b~1c/~0')
    expect(toPointer([])).toBe('')
    expect(dollarPath(['a', 'b', 1])).toBe('$.a.b[1]')
  })
})
