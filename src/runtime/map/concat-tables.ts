/**
 * A concatenated fan-in (`concat:`, docs/fan-out.md#one-table-concat): a mapped task's table items
 * handed to a downstream task as ONE Arrow table, the items' rows one after the other in item order.
 *
 * Items are read in order, a few ahead, and each item's record batches become batches of the result
 * as they are (no copy): nothing but the result and the few items being read is held, never a list
 * of tables plus their concatenation, and never every item's Parquet file at once. Loaded only by a
 * task that has a `concat` input (apache-arrow is slow to import).
 */
import {
  Binary, Bool, DataType, DateDay, Field, Float32, Float64, Int8, Int16, Int32, Int64, makeData, RecordBatch, Schema, Struct, Table,
  TimestampMillisecond, Uint8, Uint16, Uint32, Uint64, Utf8, util,
} from 'apache-arrow'
import type { StoredRef } from '../../plugins/types.ts'
import type { ColumnType } from '../../spec/model.ts'
import { WeirError } from '../errors.ts'

/** Items read ahead of the one being appended: hides a store's latency, holds a few files at most. */
const READ_AHEAD = 4

export interface ConcatRequest {
  /** The mapped task, for messages. */
  readonly taskId: string
  /** Its declared columns: the result's columns, in this order. */
  readonly columns: Readonly<Record<string, ColumnType>>
  /** Each item's stored output, in item order; undefined for an item without one (it contributes no rows). */
  readonly refs: readonly (StoredRef | undefined)[]
  /** Reads one stored item output (an Arrow table for a Parquet ref). */
  read(ref: StoredRef): Promise<unknown>
}

/** The items' tables as one table; an empty map (or one whose items stored nothing) gives no rows and the declared columns. */
export async function concatItemTables(request: ConcatRequest): Promise<Table> {
  const { taskId, columns } = request
  const names = Object.keys(columns)
  let shape: { readonly schema: Schema; readonly from: number } | undefined
  const batches: RecordBatch[] = []
  for await (const { index, value } of readInOrder(request)) {
    const table = asTable(value, taskId, index)
    if (shape === undefined) shape = { schema: schemaOf(table, names, taskId, index), from: index }
    else checkSameTypes(shape.schema, shape.from, table, index, taskId)
    for (const batch of table.batches) if (batch.numRows > 0) batches.push(inOrder(batch, shape.schema))
  }
  if (shape === undefined) return new Table(new Schema(names.map((name) => new Field(name, EMPTY_TYPES[columns[name]!](), true))))
  return new Table(shape.schema, batches)
}

/**
 * Column types of the table of an empty map: those a handler's rows are stored with
 * (plugins/io/table/rows-to-table.ts; a test checks the two agree), so the empty table looks like
 * one a task returning rows would give.
 */
const EMPTY_TYPES: Readonly<Record<ColumnType, () => DataType>> = {
  bool: () => new Bool(),
  int8: () => new Int8(),
  int16: () => new Int16(),
  int32: () => new Int32(),
  int64: () => new Int64(),
  uint8: () => new Uint8(),
  uint16: () => new Uint16(),
  uint32: () => new Uint32(),
  uint64: () => new Uint64(),
  float32: () => new Float32(),
  float64: () => new Float64(),
  string: () => new Utf8(),
  binary: () => new Binary(),
  date: () => new DateDay(),
  timestamp: () => new TimestampMillisecond(),
}

/** The items with an output, in item order, each read while up to READ_AHEAD later ones are on their way. */
async function* readInOrder(request: ConcatRequest): AsyncGenerator<{ index: number; value: unknown }> {
  const indexes: number[] = []
  request.refs.forEach((ref, index) => {
    if (ref !== undefined) indexes.push(index)
  })
  const pending: Promise<unknown>[] = []
  let started = 0
  const startMore = (): void => {
    while (started < indexes.length && pending.length <= READ_AHEAD) {
      const read = request.read(request.refs[indexes[started++]!]!)
      read.catch(() => undefined) // awaited in turn below; a later read failing first is not unhandled
      pending.push(read)
    }
  }
  for (let k = 0; k < indexes.length; k++) {
    startMore()
    const value = await pending.shift()!
    yield { index: indexes[k]!, value }
  }
}

function asTable(value: unknown, taskId: string, index: number): Table {
  if (Table.isTable(value)) return value as Table
  throw new WeirError('CONCAT_SCHEMA_MISMATCH', `Item ${index} of task '${taskId}' was not stored as a table (it is ${describe(value)}), so it cannot be concatenated.`)
}

/** The result's schema: the declared columns in declared order, typed as the first item stored them. */
function schemaOf(table: Table, names: readonly string[], taskId: string, index: number): Schema {
  const fields = table.schema.fields
  const have = new Set(fields.map((f) => f.name))
  const missing = names.filter((n) => !have.has(n))
  const extra = fields.map((f) => f.name).filter((n) => !names.includes(n))
  if (missing.length > 0 || extra.length > 0)
    throw new WeirError('CONCAT_SCHEMA_MISMATCH', `Item ${index} of task '${taskId}' has ${[
      ...missing.map((n) => `no column '${n}'`),
      ...extra.map((n) => `an undeclared column '${n}'`),
    ].join(', ')}; every item of a concatenated table must have exactly the declared columns.`)
  return new Schema(names.map((name) => new Field(name, fields.find((f) => f.name === name)!.type as DataType, true)))
}

/** Every item must store each column with the same Arrow type as the first item did. */
function checkSameTypes(schema: Schema, from: number, table: Table, index: number, taskId: string): void {
  const problems: string[] = []
  const fields = new Map(table.schema.fields.map((f) => [f.name, f]))
  for (const want of schema.fields) {
    const got = fields.get(want.name)
    if (!got) problems.push(`has no column '${want.name}'`)
    else if (!sameType(want.type as DataType, got.type as DataType)) problems.push(`has column '${want.name}' as ${String(got.type)}, item ${from} as ${String(want.type)}`)
  }
  for (const name of fields.keys()) if (schema.fields.every((f) => f.name !== name)) problems.push(`has an undeclared column '${name}'`)
  if (problems.length > 0)
    throw new WeirError('CONCAT_SCHEMA_MISMATCH', `Item ${index} of task '${taskId}' ${problems.join(', ')}; the items of a concatenated table must store the same column types (build every item's table the same way).`)
}

/** Equal Arrow types; two dictionaries match by their index and value types (each item has its own dictionary). */
function sameType(a: DataType, b: DataType): boolean {
  if (DataType.isDictionary(a) && DataType.isDictionary(b)) return util.compareTypes(a.indices, b.indices) && util.compareTypes(a.dictionary, b.dictionary)
  return util.compareTypes(a, b)
}

/** The batch's columns in the result's order, under the result's schema (the column data is shared, not copied). */
function inOrder(batch: RecordBatch, schema: Schema): RecordBatch {
  const own = batch.schema.fields.map((f) => f.name)
  const children = schema.fields.map((f) => batch.data.children[own.indexOf(f.name)]!)
  return new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: batch.numRows, nullCount: 0, children }))
}

function describe(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'a list'
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) return 'bytes'
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`
}
