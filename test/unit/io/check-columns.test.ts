import { Bool, Dictionary, Float32, Float64, Int32, Int64, Timestamp, TimeUnit, Uint8, Utf8, DateDay, Binary, type DataType } from 'apache-arrow'
import { tableFromArrays } from 'apache-arrow'
import { expect, test } from 'vitest'
import { checkColumns, matchesColumnType } from '../../../src/plugins/io/table/check-columns.ts'
import type { ColumnType } from '../../../src/spec/model.ts'

test.each<[DataType, ColumnType, boolean]>([
  [new Int64(), 'int64', true],
  [new Int64(), 'int32', false],
  [new Int32(), 'int32', true],
  [new Uint8(), 'uint8', true],
  [new Uint8(), 'int8', false],
  [new Float64(), 'float64', true],
  [new Float32(), 'float64', false],
  [new Float32(), 'float32', true],
  [new Utf8(), 'string', true],
  [new Dictionary(new Utf8(), new Int32()), 'string', true],
  [new Binary(), 'binary', true],
  [new Bool(), 'bool', true],
  [new DateDay(), 'date', true],
  [new Timestamp(TimeUnit.MICROSECOND), 'timestamp', true],
  [new Utf8(), 'binary', false],
])('Arrow %s matches declared %s: %s', (type, declared, ok) => {
  expect(matchesColumnType(type as never, declared)).toBe(ok)
})

test('lists every missing, mistyped and undeclared column in one message', () => {
  const table = tableFromArrays({ a: Int32Array.of(1), extra: Float64Array.of(1) })
  expect(() => checkColumns(table, { a: 'int64', b: 'string' })).toThrow(
    "The table does not match the declared output columns: column 'a' is Int32, declared int64; column 'b' (string) is missing; column 'extra' is not declared.",
  )
})
