/**
 * Decides how a task's return value is stored: as JSON, raw bytes, a byte stream or an Arrow table.
 * Arrow is recognised by shape, so this module never loads apache-arrow.
 */
import type { Readable } from 'node:stream'
import type { OutputDecl } from '../../spec/model.ts'
import { IoError } from './io-error.ts'

export type ClassifiedValue =
  | { readonly kind: 'json'; readonly value: unknown }
  | { readonly kind: 'bytes'; readonly value: Uint8Array }
  | { readonly kind: 'stream'; readonly value: Readable }
  | { readonly kind: 'table'; readonly value: ArrowTableLike }
  /** Row objects for a declared table output; converted to Arrow by the declared columns. */
  | { readonly kind: 'rows'; readonly value: readonly Record<string, unknown>[] }

/** The parts of an Apache Arrow `Table` weir relies on (checked without importing arrow). */
export interface ArrowTableLike {
  readonly schema: { readonly fields: readonly { readonly name: string; readonly type: unknown }[] }
  readonly batches: readonly unknown[]
  readonly numRows: number
}

/** True for an Apache Arrow `Table` (any copy of apache-arrow). */
export function isArrowTable(value: unknown): value is ArrowTableLike {
  if (typeof value !== 'object' || value === null) return false
  const v = value as Partial<ArrowTableLike>
  return typeof v.numRows === 'number' && Array.isArray(v.batches) && Array.isArray(v.schema?.fields)
}

/** True for an array whose items are all plain objects (rows). */
function isRowArray(value: unknown): value is Record<string, unknown>[] {
  return Array.isArray(value) && value.every((row) => typeof row === 'object' && row !== null && Object.getPrototypeOf(row) === Object.prototype)
}

/** True for a Node.js Readable stream (or anything that pipes like one). */
export function isReadableStream(value: unknown): value is Readable {
  if (typeof value !== 'object' || value === null) return false
  const v = value as { pipe?: unknown; read?: unknown; on?: unknown }
  return typeof v.pipe === 'function' && typeof v.read === 'function' && typeof v.on === 'function'
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
  checkJson(value)
  return { kind: 'json', value }
}

/** Throws `IO_UNSUPPORTED_VALUE` naming the path of the first part of a value JSON cannot hold. */
function checkJson(value: unknown): void {
  const bad = findNonJson(value, '$', new Set())
  if (bad)
    throw new IoError(
      'IO_UNSUPPORTED_VALUE',
      `The task output is not JSON: ${bad}. Return plain objects, arrays, strings, numbers, booleans or null, a Buffer, a Readable stream, or an Arrow Table.`,
    )
}

function findNonJson(value: unknown, path: string, seen: Set<object>): string | undefined {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return undefined
    case 'number':
      return Number.isFinite(value) ? undefined : `${path} is ${value} (JSON has no NaN or Infinity)`
    case 'undefined':
      return path === '$' ? 'the handler returned undefined' : undefined // JSON drops undefined properties
    case 'bigint':
      return `${path} is a BigInt (convert it to a number or string)`
    case 'function':
    case 'symbol':
      return `${path} is a ${typeof value}` // object properties holding one are skipped by the caller
    case 'object':
      break
  }
  if (value === null) return undefined
  const obj = value as object
  if (typeof (obj as { toJSON?: unknown }).toJSON === 'function') return undefined // Date and friends
  if (seen.has(obj)) return `${path} is a circular reference`
  if (obj instanceof Map || obj instanceof Set) return `${path} is a ${obj.constructor.name} (convert it to an object or array)`
  seen.add(obj)
  try {
    if (Array.isArray(obj)) {
      for (let i = 0; i < obj.length; i++) {
        const bad = findNonJson(obj[i], `${path}[${i}]`, seen)
        if (bad) return bad
      }
      return undefined
    }
    for (const [k, v] of Object.entries(obj)) {
      if (typeof v === 'function' || typeof v === 'symbol') continue // JSON.stringify drops them, as for undefined
      const bad = findNonJson(v, `${path}.${k}`, seen)
      if (bad) return bad
    }
    return undefined
  } finally {
    seen.delete(obj)
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  if (value instanceof Uint8Array) return 'bytes'
  return typeof value === 'object' ? `an object (${value.constructor?.name ?? 'Object'})` : `a ${typeof value}`
}
