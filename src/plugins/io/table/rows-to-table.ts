/**
 * Builds an Arrow table from an array of row objects, typed by a task's declared columns, so a
 * handler with a `table` output may return `[{ order_id: 1, amount: 9.5 }, …]` instead of Arrow.
 * Meant for small and medium tables; build Arrow directly for millions of rows.
 */
import {
  Binary, Bool, DateDay, Float32, Float64, Int8, Int16, Int32, Int64, Table, TimestampMillisecond,
  Uint8, Uint16, Uint32, Uint64, Utf8, vectorFromArray, type DataType, type Vector,
} from 'apache-arrow'
import type { ColumnType } from '../../../spec/model.ts'
import { IoError } from '../io-error.ts'
import { startsWithImpossibleDate } from '../../../spec/calendar-date.ts'

const ARROW_TYPES: Record<ColumnType, () => DataType> = {
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
  // Date32 (days), not Date64: Parquet's DATE is days, and arrow-rs writes a Date64 column as a bare
  // INT64, which DuckDB and Spark read as a number of milliseconds instead of a date.
  date: () => new DateDay(),
  timestamp: () => new TimestampMillisecond(),
}

const INT_RANGES: Partial<Record<ColumnType, readonly [number, number]>> = {
  int8: [-(2 ** 7), 2 ** 7 - 1],
  int16: [-(2 ** 15), 2 ** 15 - 1],
  int32: [-(2 ** 31), 2 ** 31 - 1],
  uint8: [0, 2 ** 8 - 1],
  uint16: [0, 2 ** 16 - 1],
  uint32: [0, 2 ** 32 - 1],
}

/** Converts rows to an Arrow table with exactly the declared columns; throws `TABLE_SCHEMA_MISMATCH` naming row and column. */
export function rowsToTable(rows: readonly Record<string, unknown>[], columns: Readonly<Record<string, ColumnType>>): Table {
  const declared = new Set(Object.keys(columns))
  rows.forEach((row, index) => {
    for (const name of Object.keys(row)) if (!declared.has(name)) throw mismatch(index, name, `is not a declared column`)
  })
  const vectors: Record<string, Vector> = {}
  for (const [name, type] of Object.entries(columns)) {
    // Own properties only: a row without a `toString` column has a null cell there, not Object.prototype.toString.
    const values = rows.map((row, index) => convertCell(Object.hasOwn(row, name) ? row[name] : undefined, type, index, name))
    vectors[name] = vectorFromArray(values as unknown[], ARROW_TYPES[type]()) as Vector
  }
  return new Table(vectors)
}

function convertCell(value: unknown, type: ColumnType, row: number, column: string): unknown {
  if (value === null || value === undefined) return null
  const fail = (): never => {
    const shown = typeof value === 'string' ? `'${value}'` : typeof value === 'bigint' ? `${value}n` : typeof value === 'object' ? (value.constructor?.name ?? 'object') : String(value)
    throw mismatch(row, column, `is ${shown}, expected ${type}`)
  }
  switch (type) {
    case 'bool':
      return typeof value === 'boolean' ? value : fail()
    case 'int64':
    case 'uint64':
      if (typeof value === 'bigint' || (typeof value === 'number' && Number.isSafeInteger(value))) {
        const big = BigInt(value)
        if (type === 'uint64' ? big < 0n || big >= 2n ** 64n : big < -(2n ** 63n) || big >= 2n ** 63n) fail()
        return big
      }
      return fail()
    case 'float32':
    case 'float64':
      return typeof value === 'number' ? value : fail()
    case 'string':
      return typeof value === 'string' ? value : fail()
    case 'binary':
      return value instanceof Uint8Array ? value : fail()
    case 'date':
    case 'timestamp': {
      const date = value instanceof Date ? value : typeof value === 'string' || typeof value === 'number' ? new Date(value) : undefined
      return date && !Number.isNaN(date.getTime()) && !(typeof value === 'string' && startsWithImpossibleDate(value)) ? date : fail()
    }
    default: {
      const [min, max] = INT_RANGES[type]!
      return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max ? value : fail()
    }
  }
}

function mismatch(row: number, column: string, problem: string): IoError {
  return new IoError('TABLE_SCHEMA_MISMATCH', `Row ${row} of the table output: column '${column}' ${problem}. Fix the handler or the spec's output.columns.`, {
    details: { row, column },
  })
}
