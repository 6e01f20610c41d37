/**
 * Decides how a task's return value is stored: as JSON, raw bytes, a byte stream or an Arrow table.
 * Arrow is recognised by shape, so this module never loads apache-arrow.
 */
import type { Readable } from 'node:stream'
import type { OutputDecl } from '../../spec/model.ts'
import { isArrowTable, isReadableStream, type ArrowTableLike } from '../../spec/output-value.ts'
import { dollarPath, jsonForm } from '../../spec/json-form.ts'
import { IoError } from './io-error.ts'

export { isArrowTable, isReadableStream, type ArrowTableLike }

export type ClassifiedValue =
  | { readonly kind: 'json'; readonly value: unknown }
  | { readonly kind: 'bytes'; readonly value: Uint8Array }
  | { readonly kind: 'stream'; readonly value: Readable }
  | { readonly kind: 'table'; readonly value: ArrowTableLike }
  /** Row objects for a declared table output; converted to Arrow by the declared columns. */
  | { readonly kind: 'rows'; readonly value: readonly Record<string, unknown>[] }

/** True for an array whose items are all plain objects (rows). */
function isRowArray(value: unknown): value is Record<string, unknown>[] {
  return Array.isArray(value) && value.every((row) => typeof row === 'object' && row !== null && Object.getPrototypeOf(row) === Object.prototype)
}

/** Sorts a value into one of the stored kinds, checking it against the task's declared output. */
export function classifyValue(value: unknown, output: OutputDecl): ClassifiedValue {
  if (output.kind === 'table') {
    if (isRowArray(value)) return { kind: 'rows', value }
    if (!isArrowTable(value))
      throw new IoError(
        'IO_UNSUPPORTED_VALUE',
        `The task declares a table output but returned ${describe(value)}; return an Apache Arrow Table (e.g. tableFromArrays from 'apache-arrow') or an array of row objects.`,
      )
    return { kind: 'table', value }
  }
  if (isArrowTable(value)) return { kind: 'table', value }
  if (value instanceof Uint8Array) return { kind: 'bytes', value }
  if (isReadableStream(value)) return { kind: 'stream', value }
  return { kind: 'json', value: jsonValue(value) }
}

/**
 * The value in its JSON form (spec/json-form.ts: a Date as its string, toJSON applied), which is
 * what is written; throws `IO_UNSUPPORTED_VALUE` naming the path of the first part JSON cannot hold.
 */
function jsonValue(value: unknown): unknown {
  const form = value === undefined ? undefined : jsonForm(value)
  if (form !== undefined && form.nonJson === undefined) return form.value
  const bad = form === undefined ? 'the handler returned undefined' : `${dollarPath(form.nonJson.path)} is ${form.nonJson.what}${form.nonJson.hint === undefined ? '' : ` (${form.nonJson.hint})`}`
  throw new IoError(
    'IO_UNSUPPORTED_VALUE',
    `The task output is not JSON: ${bad}. Return plain objects, arrays, strings, numbers, booleans or null, a Buffer, a Readable stream, or an Arrow Table.`,
  )
}

function describe(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  if (value instanceof Uint8Array) return 'bytes'
  return typeof value === 'object' ? `an object (${value.constructor?.name ?? 'Object'})` : `a ${typeof value}`
}
