/**
 * Canonical JSON for cache keys: object keys sorted, no whitespace, so the same data always gives
 * the same text whatever order a YAML file or a handler wrote its keys in.
 */
import { createHash } from 'node:crypto'

/** Text of `undefined` at the top level or in an array, so it differs from `null`. */
const UNDEFINED = '"\u0000undefined"'

/** The canonical JSON text of a JSON-like value; `undefined` properties are left out, as JSON does. */
export function canonicalJson(value: unknown): string {
  if (value === undefined) return UNDEFINED
  if (value === null || typeof value !== 'object') return typeof value === 'bigint' ? `"${value}n"` : (JSON.stringify(value) ?? UNDEFINED)
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  if (ArrayBuffer.isView(value)) return `{"\u0000bytes":"${sha256Hex(new Uint8Array(value.buffer, value.byteOffset, value.byteLength))}"}`
  const toJson = (value as { toJSON?: unknown }).toJSON
  if (typeof toJson === 'function') return canonicalJson((toJson as () => unknown).call(value))
  const keys = Object.keys(value).sort()
  const parts: string[] = []
  for (const key of keys) {
    const item = (value as Record<string, unknown>)[key]
    if (item === undefined || typeof item === 'function') continue
    parts.push(`${JSON.stringify(key)}:${canonicalJson(item)}`)
  }
  return `{${parts.join(',')}}`
}

/** SHA-256 of text or bytes, as lowercase hex. */
export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex')
}

/** SHA-256 of a value's canonical JSON. */
export function hashCanonical(value: unknown): string {
  return sha256Hex(canonicalJson(value))
}
