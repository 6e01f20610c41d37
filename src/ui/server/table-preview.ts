/**
 * A table's first rows as the output preview shows them: one text per cell (null for a null). Cells
 * are read column by column, by index: a row object (Arrow's StructRow, or `{}` to copy one into)
 * mixes the column names with properties of its own, so a column named `toJSON`, `constructor` or
 * `__proto__` broke the preview, and two columns may share a name. What JSON has no word for is
 * written out: dates and timestamps as ISO 8601, NaN and ±Infinity as such, 64-bit integers and
 * decimals exactly, bytes in hex; a nested value (list, struct, map) as JSON of such values.
 * Loaded only when a table is previewed (apache-arrow costs a few hundred ms to import).
 */
import { DataType, DateUnit } from 'apache-arrow'
import type { Field, Table, Vector } from 'apache-arrow'

/** Items of a list shown; the rest are counted. */
const LIST_ITEMS = 20
/** Bytes of a binary value shown in hex; all are counted. */
const SHOWN_BYTES = 32
/** Characters of one cell's text; a longer one is cut, marked with `…`. */
const CELL_CHARS = 1000
/** Nesting shown (lists in structs in lists…); deeper values are `…`. */
const MAX_DEPTH = 8
const DAY_MS = 86_400_000

export interface TablePreview {
  readonly columns: readonly { readonly name: string; readonly type: string }[]
  readonly rows: readonly (readonly (string | null)[])[]
}

/** The schema and the first `count` rows of `table`, each row one text (or null) per column, in column order. */
export function previewRows(table: Table, count: number): TablePreview {
  const fields = table.schema.fields
  const vectors = fields.map((_, i) => table.getChildAt(i)!)
  const rows: (string | null)[][] = []
  for (let r = 0; r < Math.min(count, table.numRows); r++) rows.push(vectors.map((vector) => cellText(plainAt(vector, r, 0))))
  return { columns: fields.map((f) => ({ name: f.name, type: String(f.type) })), rows }
}

function cellText(plain: unknown): string | null {
  if (plain === null) return null
  const text = typeof plain === 'object' ? JSON.stringify(plain) : String(plain)
  return text.length > CELL_CHARS ? `${text.slice(0, CELL_CHARS)}…` : text
}

/** Row `index` of `vector` as JSON-able data; a struct is read from its child vectors. */
function plainAt(vector: Vector, index: number, depth: number): unknown {
  if (!vector.isValid(index)) return null
  const type = vector.type as DataType
  if (DataType.isStruct(type)) {
    if (depth >= MAX_DEPTH) return '…'
    // No prototype: a field named __proto__ is a field like any other.
    const out = Object.create(null) as Record<string, unknown>
    type.children.forEach((field, i) => (out[field.name] = plainAt(vector.getChildAt(i)!, index, depth + 1)))
    return out
  }
  return plainValue(vector.get(index), type, depth)
}

/** A value Arrow gave for a cell of `type`, as JSON-able data. */
function plainValue(value: unknown, type: DataType, depth: number): unknown {
  if (value === null || value === undefined) return null
  if (DataType.isDictionary(type)) return plainValue(value, type.dictionary, depth)
  if (depth >= MAX_DEPTH && (DataType.isList(type) || DataType.isFixedSizeList(type) || DataType.isMap(type) || DataType.isStruct(type))) return '…'
  if (DataType.isList(type) || DataType.isFixedSizeList(type)) {
    const items = value as Vector
    const out: unknown[] = []
    for (let i = 0; i < Math.min(items.length, LIST_ITEMS); i++) out.push(plainAt(items, i, depth + 1))
    if (items.length > LIST_ITEMS) out.push(`… (${items.length} items)`)
    return out
  }
  if (DataType.isMap(type)) {
    const [keyField, valueField] = (type.children[0]!.type as DataType).children as Field[]
    const out = Object.create(null) as Record<string, unknown>
    for (const [k, v] of value as Iterable<[unknown, unknown]>) out[String(plainValue(k, keyField!.type as DataType, depth + 1))] = plainValue(v, valueField!.type as DataType, depth + 1)
    return out
  }
  if (DataType.isStruct(type)) {
    // A struct inside a map's values: Arrow's row, read by position (its entries are in field order).
    const out = Object.create(null) as Record<string, unknown>
    let i = 0
    for (const [, v] of value as Iterable<[string, unknown]>) {
      const field = type.children[i++]
      if (field) out[field.name] = plainValue(v, field.type as DataType, depth + 1)
    }
    return out
  }
  if (DataType.isDate(type)) return isoDate(value as number, type.unit === DateUnit.DAY)
  if (DataType.isTimestamp(type)) return isoTimestamp(value as number, type.timezone)
  if (DataType.isDecimal(type)) return decimalText(String(value), type.scale)
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value)
  if (typeof value === 'bigint') return value.toString()
  if (value instanceof Uint8Array) return bytesText(value)
  if (ArrayBuffer.isView(value)) return Array.from(value as unknown as ArrayLike<number | bigint>, (n) => (typeof n === 'bigint' ? n.toString() : n))
  if (typeof value === 'string' || typeof value === 'boolean') return value
  return String(value)
}

/** Arrow gives dates as epoch milliseconds: a Date32 (`day`) as the day; a Date64 as the day, or the moment when it is not midnight. */
function isoDate(ms: number, day: boolean): string {
  const date = new Date(ms)
  if (Number.isNaN(date.getTime())) return String(ms)
  return day || ms % DAY_MS === 0 ? date.toISOString().slice(0, 10) : date.toISOString()
}

/**
 * Arrow gives timestamps as epoch milliseconds (to the millisecond). One with a time zone is an
 * instant, shown in UTC (`Z`); one without is a wall-clock time of no stated zone, shown without one.
 */
function isoTimestamp(ms: number, timezone: string | null | undefined): string {
  const date = new Date(ms)
  if (Number.isNaN(date.getTime())) return String(ms)
  const iso = date.toISOString()
  return timezone ? iso : iso.slice(0, -1)
}

/** A decimal's unscaled digits with its point put back: `12345` at scale 2 is `123.45`. */
function decimalText(unscaled: string, scale: number): string {
  if (scale <= 0 || !/^-?\d+$/.test(unscaled)) return unscaled
  const negative = unscaled.startsWith('-')
  const digits = (negative ? unscaled.slice(1) : unscaled).padStart(scale + 1, '0')
  return `${negative ? '-' : ''}${digits.slice(0, -scale)}.${digits.slice(-scale)}`
}

/** Bytes as hex (the first 32) and their count: `00ff (2 bytes)`. */
function bytesText(bytes: Uint8Array): string {
  const hex = Buffer.from(bytes.subarray(0, SHOWN_BYTES)).toString('hex')
  const count = `(${bytes.length} byte${bytes.length === 1 ? '' : 's'})`
  return bytes.length === 0 ? count : `${hex}${bytes.length > SHOWN_BYTES ? '…' : ''} ${count}`
}
