import { Readable } from 'node:stream'
import { tableFromArrays } from 'apache-arrow'
import { expect, test } from 'vitest'
import { classifyValue } from '../../../src/plugins/io/classify-value.ts'
import { checkSegment } from '../../../src/plugins/io/output-location.ts'

const any = { kind: 'any' } as const

test('sorts values into json, bytes, stream and table', () => {
  expect(classifyValue({ a: 1 }, any).kind).toBe('json')
  expect(classifyValue(new Date(0), any).kind).toBe('json')
  expect(classifyValue(Buffer.from('x'), any).kind).toBe('bytes')
  expect(classifyValue(new Uint8Array(2), any).kind).toBe('bytes')
  expect(classifyValue(Readable.from(['x']), any).kind).toBe('stream')
  expect(classifyValue(tableFromArrays({ a: Int32Array.of(1) }), any).kind).toBe('table')
})

test('names the path of what JSON cannot hold', () => {
  expect(() => classifyValue({ a: [1, NaN] }, any)).toThrow('$.a[1] is NaN')
  expect(() => classifyValue(() => 1, any)).toThrow('$ is a function')
  const circular: Record<string, unknown> = {}
  circular.self = circular
  expect(() => classifyValue(circular, any)).toThrow('$.self is a circular reference')
  // Properties JSON.stringify drops are not errors.
  expect(classifyValue({ a: undefined, f() {} }, any).kind).toBe('json')
})

test('a JSON value is classified in its JSON form, the one written: toJSON applied, and what it returns checked too', () => {
  expect(classifyValue({ when: new Date(0), n: { toJSON: () => 42 } }, any)).toEqual({ kind: 'json', value: { when: '1970-01-01T00:00:00.000Z', n: 42 } })
  expect(() => classifyValue({ t: { toJSON: () => new Map() } }, any)).toThrow('$.t is a Map (convert it to an object or array)')
})

test('accepts safe path segments only', () => {
  for (const ok of ['daily_sales', '20261122-030812-a1b2c3', 'run.1']) expect(checkSegment('run id', ok)).toBe(ok)
  for (const bad of ['', '.', '..', '.hidden', 'a/b', 'a\\b', 'a..b', 'x'.repeat(129), 'ä'])
    expect(() => checkSegment('run id', bad)).toThrow(expect.objectContaining({ code: 'IO_INVALID_KEY' }))
})
