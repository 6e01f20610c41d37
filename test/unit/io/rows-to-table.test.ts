import type { Table } from 'apache-arrow'
import { expect, test } from 'vitest'
import { memoryIo } from '../../../src/plugins/io/memory/index.ts'
import type { ColumnType, OutputDecl } from '../../../src/spec/model.ts'

const log = { debug() {}, info() {}, warn() {}, error() {} }
const env = { cwd: '/', stateDir: '.weir', log }
const decl: OutputDecl = {
  kind: 'table',
  columns: { order_id: 'int64', amount: 'float64', country: 'string', paid: 'bool', qty: 'int16', day: 'date', at: 'timestamp' },
}
const ctx = { signal: new AbortController().signal, log, output: decl }
const key = { pipeline: 'p', runId: 'r', taskId: 't' }

test('stores an array of row objects as a table with the declared column types', async () => {
  const io = memoryIo.create({}, env)
  const rows = [
    { order_id: 1, amount: 9.5, country: 'DE', paid: true, qty: 3, day: '2026-11-22', at: new Date('2026-11-22T03:00:00Z') },
    { order_id: 2n, amount: 12, country: null, paid: false, qty: -1, day: new Date('2026-11-23'), at: Date.UTC(2026, 10, 22) },
    { order_id: 3, amount: 0.25, country: 'FR' },
  ]
  const ref = await io.write(key, rows, ctx)
  expect(ref.format).toBe('parquet')
  const table = (await io.read(ref, ctx)) as Table
  expect(table.numRows).toBe(3)
  expect(table.schema.fields.map((f) => `${f.name}:${String(f.type)}`)).toEqual([
    'order_id:Int64', 'amount:Float64', 'country:Utf8', 'paid:Bool', 'qty:Int16', 'day:Date32<DAY>', 'at:Timestamp<MILLISECOND>',
  ])
  expect(table.getChild('order_id')!.toArray()).toEqual(BigInt64Array.from([1n, 2n, 3n]))
  expect(table.getChild('country')!.get(1)).toBeNull()
  expect(table.getChild('paid')!.get(2)).toBeNull()
  expect(table.getChild('qty')!.get(1)).toBe(-1)
})

test('a row without a column named like an Object.prototype member has a null cell there, not the inherited method', async () => {
  const io = memoryIo.create({}, env)
  // Built from entries: in an object literal, TypeScript does not take `toString: 'string'` as a ColumnType (the inherited method gets in the way).
  const columns = Object.fromEntries<ColumnType>([['id', 'int32'], ['toString', 'string'], ['valueOf', 'float64']])
  const named: OutputDecl = { kind: 'table', columns }
  const namedCtx = { ...ctx, output: named }
  const table = (await io.read(await io.write(key, [{ id: 1 }, { id: 2, toString: 'two', valueOf: 2.5 }], namedCtx), namedCtx)) as Table
  expect(table.getChild('toString')!.toArray()).toEqual([null, 'two'])
  expect(table.getChild('valueOf')!.get(0)).toBeNull()
  expect(table.getChild('valueOf')!.get(1)).toBe(2.5)
})

test('an empty array is an empty table with the declared columns', async () => {
  const io = memoryIo.create({}, env)
  const table = (await io.read(await io.write(key, [], ctx), ctx)) as Table
  expect(table.numRows).toBe(0)
  expect(table.schema.fields.map((f) => f.name)).toEqual(Object.keys(decl.columns))
})

test.each([
  [{ order_id: 1.5 }, "Row 0 of the table output: column 'order_id' is 1.5, expected int64"],
  [{ amount: '12' }, "column 'amount' is '12', expected float64"],
  [{ qty: 40_000 }, "column 'qty' is 40000, expected int16"],
  [{ day: 'not a date' }, "column 'day' is 'not a date', expected date"],
  // Date would take it as 2 March.
  [{ day: '2027-02-30' }, "column 'day' is '2027-02-30', expected date"],
  [{ at: '2027-04-31T10:00:00Z' }, "column 'at' is '2027-04-31T10:00:00Z', expected timestamp"],
  [{ extra: 1 }, "column 'extra' is not a declared column"],
])('refuses %o naming the row and column', async (row, message) => {
  const io = memoryIo.create({}, env)
  await expect(io.write(key, [row], ctx)).rejects.toMatchObject({ code: 'TABLE_SCHEMA_MISMATCH', message: expect.stringContaining(message) })
})
