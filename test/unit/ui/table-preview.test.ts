// The output preview's rows: read by column, so any column name works, and every cell as the text a
// person reads (ISO dates, NaN, exact 64-bit integers and decimals, bytes in hex, nested values as JSON).
import { describe, expect, test } from 'vitest'
import {
  Binary,
  DateDay,
  DateMillisecond,
  Decimal,
  Dictionary,
  Field,
  Float64,
  Int32,
  Int64,
  List,
  Map_,
  RecordBatch,
  Schema,
  Struct,
  Table,
  TimestampMillisecond,
  Utf8,
  makeData,
  makeVector,
  vectorFromArray,
} from 'apache-arrow'
import type { Vector } from 'apache-arrow'
import { previewRows } from '../../../src/ui/server/table-preview.ts'

const table = (columns: Record<string, Vector>): Table => new Table(columns)
const cells = (columns: Record<string, Vector>): (string | null)[][] => previewRows(table(columns), 20).rows.map((r) => [...r])

describe('column names', () => {
  test('toJSON, __proto__ and constructor are columns like any other', () => {
    const preview = previewRows(table({ toJSON: vectorFromArray(['a', 'b'], new Utf8()), ['__proto__']: vectorFromArray([1, 2], new Int32()), constructor: vectorFromArray([true, false]) }), 20)
    expect(preview.columns.map((c) => c.name)).toEqual(['toJSON', '__proto__', 'constructor'])
    expect(preview.rows).toEqual([
      ['a', '1', 'true'],
      ['b', '2', 'false'],
    ])
  })

  test('two columns of one name keep their own values', () => {
    const a = vectorFromArray([1], new Int32())
    const b = vectorFromArray(['x'], new Utf8())
    const fields = [new Field('same', a.type, true), new Field('same', b.type, true)]
    const schema = new Schema(fields)
    const batch = new RecordBatch(schema, makeData({ type: new Struct(fields), length: 1, nullCount: 0, children: [a.data[0]!, b.data[0]!] }))
    expect(previewRows(new Table([batch]), 20).rows).toEqual([['1', 'x']])
  })
})

describe('cells', () => {
  test('dates and timestamps are ISO 8601: a day, a moment; a timestamp without a zone has no Z', () => {
    expect(
      cells({
        d32: vectorFromArray([new Date('2024-02-29'), new Date('1969-12-31')], new DateDay()),
        d64: vectorFromArray([new Date('2024-02-29T00:00:00Z'), new Date('2024-02-29T12:34:56.789Z')], new DateMillisecond()),
        utc: vectorFromArray([Date.UTC(2024, 1, 29, 12, 30, 0, 5), 0], new TimestampMillisecond('UTC')),
        wall: vectorFromArray([Date.UTC(2024, 1, 29, 12, 30), 0], new TimestampMillisecond()),
      }),
    ).toEqual([
      ['2024-02-29', '2024-02-29', '2024-02-29T12:30:00.005Z', '2024-02-29T12:30:00.000'],
      ['1969-12-31', '2024-02-29T12:34:56.789Z', '1970-01-01T00:00:00.000Z', '1970-01-01T00:00:00.000'],
    ])
  })

  test('NaN and ±Infinity are written out, unlike a null; 64-bit integers and decimals are exact', () => {
    const decimal = makeVector(makeData({ type: new Decimal(2, 10, 128), length: 2, nullCount: 0, data: new Uint32Array([12345, 0, 0, 0, 0xfffffffb, 0xffffffff, 0xffffffff, 0xffffffff]) }))
    expect(
      cells({
        f: vectorFromArray([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, null], new Float64()),
        i: vectorFromArray([9007199254740993n, -1n, null, 0n], new Int64()),
        dec: makeVector([decimal.data[0]!, decimal.data[0]!]),
      }),
    ).toEqual([
      ['NaN', '9007199254740993', '123.45'],
      ['Infinity', '-1', '-0.05'],
      ['-Infinity', null, '123.45'],
      [null, '0', '-0.05'],
    ])
  })

  test('bytes are hex with their count, the first 32 of a long value', () => {
    expect(cells({ b: vectorFromArray([new Uint8Array([0, 255]), new Uint8Array(40).fill(7), new Uint8Array([1])], new Binary()) })).toEqual([
      ['00ff (2 bytes)'],
      [`${'07'.repeat(32)}… (40 bytes)`],
      ['01 (1 byte)'],
    ])
  })

  test('lists, structs (with any field names) and maps are JSON of such cells', () => {
    const struct = new Struct([new Field('toJSON', new DateDay(), true), new Field('__proto__', new Float64(), true)])
    const map = new Map_<Utf8, Float64>(new Field('entries', new Struct<{ key: Utf8; value: Float64 }>([new Field('key', new Utf8(), false), new Field('value', new Float64(), true)]), false))
    expect(
      cells({
        l: vectorFromArray([[1, Number.NaN], []], new List(new Field('item', new Float64(), true))),
        s: vectorFromArray([{ toJSON: new Date('2024-01-01'), ['__proto__']: Number.NaN }, null], struct),
        m: vectorFromArray([new Map([['__proto__', 1], ['constructor', Number.NaN]]), new Map()], map),
        ls: vectorFromArray([[{ toJSON: new Date('2024-01-02'), ['__proto__']: 1 }], [null]], new List(new Field('item', struct, true))),
      }),
    ).toEqual([
      ['[1,"NaN"]', '{"toJSON":"2024-01-01","__proto__":"NaN"}', '{"__proto__":1,"constructor":"NaN"}', '[{"toJSON":"2024-01-02","__proto__":1}]'],
      ['[]', null, '{}', '[null]'],
    ])
  })

  test('a dictionary column shows its values; a long list and a long text are cut', () => {
    expect(
      cells({
        d: vectorFromArray(['a'], new Dictionary(new Utf8(), new Int32())),
        l: vectorFromArray([Array.from({ length: 25 }, (_, i) => i)], new List(new Field('item', new Int32(), true))),
        t: vectorFromArray(['x'.repeat(1500)], new Utf8()),
      }),
    ).toEqual([['a', `[${Array.from({ length: 20 }, (_, i) => i).join(',')},"… (25 items)"]`, `${'x'.repeat(1000)}…`]])
  })
})
