/**
 * Columns of Arrow types that Parquet has no annotation for, converted to the nearest ones it has,
 * before a table is written. arrow-rs (inside parquet-wasm) writes a Date64 column (milliseconds)
 * and a Timestamp column in seconds as bare INT64: weir reads them back right (the Arrow schema
 * travels in the file's metadata), but DuckDB, Spark, pandas and Polars see numbers, not dates,
 * which breaks the promise that a table output is plain Parquet anyone can read.
 * - Date64 → Date32 (days; Parquet DATE). A Date64 holds whole days by Arrow's definition; a value
 *   with a time of day keeps its day.
 * - Timestamp in seconds → Timestamp in milliseconds (Parquet TIMESTAMP(MILLIS)), time zone kept.
 * Top-level columns only: a nested field keeps its type. Milli-, micro- and nanosecond timestamps
 * and Date32 are written as they are.
 */
import { DataType, DateDay, Field, Schema, Table, TimeUnit, TimestampMillisecond, vectorFromArray, type Vector } from 'apache-arrow'
import type { ArrowTableLike } from '../classify-value.ts'

const DAY_MS = 86_400_000

/** The table with Date64 and second-unit timestamp columns converted; the same table when it has none. */
export function withPortableTypes(table: ArrowTableLike): ArrowTableLike {
  const arrow = table as Table
  const fields = arrow.schema.fields
  if (!fields.some((f) => needsConversion(f.type as DataType))) return table
  const columns: Vector[] = []
  const converted: Field[] = []
  fields.forEach((field, i) => {
    const column = arrow.getChildAt(i)!
    const type = field.type as DataType
    if (!needsConversion(type)) {
      columns.push(column)
      converted.push(field)
      return
    }
    const vector = DataType.isDate(type) ? toDays(column) : toMilliseconds(column, (type as DataType & { timezone?: string | null }).timezone ?? null)
    columns.push(vector)
    converted.push(new Field(field.name, vector.type, field.nullable, field.metadata))
  })
  // A schema and columns keyed by position: Arrow takes the fields (names, nullability, metadata,
  // duplicate names too) from the schema and pairs them with the columns in key order, which for
  // integer keys is ascending. The typings know this form only without a schema.
  const withSchema = Table as unknown as new (schema: Schema, columns: Record<number, Vector>) => Table
  return new withSchema(new Schema(converted, arrow.schema.metadata), { ...columns }) as unknown as ArrowTableLike
}

function needsConversion(type: DataType): boolean {
  if (DataType.isDate(type)) return (type as DataType & { unit: number }).unit !== 0 // DateUnit.DAY
  return DataType.isTimestamp(type) && (type as DataType & { unit: TimeUnit }).unit === TimeUnit.SECOND
}

/** Date64 (epoch milliseconds, read as numbers) → Date32 of the same days. */
function toDays(column: Vector): Vector {
  const days = new Array<Date | null>(column.length)
  for (let i = 0; i < column.length; i++) {
    const ms = column.get(i) as number | null
    days[i] = ms === null ? null : new Date(Math.floor(ms / DAY_MS) * DAY_MS)
  }
  return vectorFromArray(days, new DateDay())
}

/**
 * Timestamp(SECOND) → Timestamp(MILLISECOND), same instants. Arrow's `get` of a seconds column
 * already answers epoch milliseconds (it multiplies the stored seconds by 1000), which is what a
 * millisecond column is built from.
 */
function toMilliseconds(column: Vector, timezone: string | null): Vector {
  const ms = new Array<number | null>(column.length)
  for (let i = 0; i < column.length; i++) {
    const value = column.get(i) as number | bigint | null
    ms[i] = value === null ? null : Number(value)
  }
  return vectorFromArray(ms, new TimestampMillisecond(timezone))
}
