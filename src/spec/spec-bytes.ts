/** Checks on a spec file's bytes, before any parser sees them, and their decoding into text. */
import { Buffer, isAscii } from 'node:buffer'
import type { DiagnosticCode } from './diagnostics.ts'

/** Larger files are refused: a pipeline spec is hand-written text. */
export const MAX_SPEC_BYTES = 2 * 1024 * 1024

/** Rejects what is not a text spec before the YAML parser sees it. */
export function checkSpecBytes(bytes: Uint8Array): { readonly code: DiagnosticCode; readonly message: string; readonly offset: number } | undefined {
  if (bytes.byteLength > MAX_SPEC_BYTES)
    return {
      code: 'FILE_TOO_LARGE',
      message: `The file is ${bytes.byteLength} bytes; specs are limited to ${MAX_SPEC_BYTES} bytes, so split it into several pipelines.`,
      offset: 0,
    }
  const encoding = otherUnicodeEncoding(bytes)
  if (encoding !== undefined)
    return { code: 'INVALID_ENCODING', message: `The file is ${encoding} text, not UTF-8; save it as UTF-8 (in most editors: "Save with encoding").`, offset: 0 }
  const nul = bytes.indexOf(0)
  if (nul !== -1)
    return { code: 'NOT_TEXT', message: 'The file contains NUL bytes and is not a text spec; check the path.', offset: nul }
  return undefined
}

/** Bytes looked at for UTF-16 without a byte order mark. */
const SNIFF_BYTES = 1024

/**
 * UTF-16 or UTF-32 (what Windows tools such as PowerShell's `>` write), by the byte order mark or,
 * without one, by NUL in every other byte (the high half of each ASCII character): such a file was
 * refused as binary ('contains NUL bytes… check the path'), which sent users looking at the wrong thing.
 */
function otherUnicodeEncoding(bytes: Uint8Array): string | undefined {
  const [b0, b1, b2, b3] = bytes
  if (b0 === 0xff && b1 === 0xfe) return b2 === 0 && b3 === 0 ? 'UTF-32 (little-endian)' : 'UTF-16 (little-endian)'
  if (b0 === 0 && b1 === 0 && b2 === 0xfe && b3 === 0xff) return 'UTF-32 (big-endian)'
  if (b0 === 0xfe && b1 === 0xff) return 'UTF-16 (big-endian)'
  const pairs = Math.min(bytes.length, SNIFF_BYTES) >> 1
  if (pairs < 2) return undefined
  let evenNul = 0
  let oddNul = 0
  for (let i = 0; i < pairs * 2; i += 2) {
    if (bytes[i] === 0) evenNul++
    if (bytes[i + 1] === 0) oddNul++
  }
  // Mostly ASCII text, so the other half of nearly every pair is not NUL: a binary file has NULs in both.
  if (oddNul >= pairs * 0.4 && evenNul <= pairs * 0.05) return 'UTF-16 (little-endian)'
  if (evenNul >= pairs * 0.4 && oddNul <= pairs * 0.05) return 'UTF-16 (big-endian)'
  return undefined
}

/** A spec's bytes as text, or where they stop being UTF-8 (1-based line and column of the first bad byte). */
export type DecodedSpec =
  | { readonly ok: true; readonly text: string }
  | { readonly ok: false; readonly code: DiagnosticCode; readonly message: string; readonly line: number; readonly column: number }

/**
 * Decodes UTF-8 strictly: a byte that is not part of a valid character is reported, never replaced
 * by U+FFFD (which would reach handlers as 'caf\uFFFD'). A leading byte order mark is dropped.
 */
export function decodeSpecBytes(bytes: Uint8Array): DecodedSpec {
  // Most specs are ASCII: then every byte is its character (and there is no byte order mark), a copy.
  if (isAscii(bytes)) return { ok: true, text: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1') }
  try {
    return { ok: true, text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) }
  } catch {
    const bad = findInvalidUtf8(bytes)
    const lineStart = bytes.lastIndexOf(0x0a, bad - 1) + 1
    const line = countNewlines(bytes, lineStart) + 1
    // Columns count UTF-16 code units, like every other diagnostic (the line up to the bad byte is valid).
    const column = new TextDecoder('utf-8').decode(bytes.subarray(lineStart, bad)).length + 1
    const byte = `0x${bytes[bad]!.toString(16).toUpperCase().padStart(2, '0')}`
    return {
      ok: false,
      code: 'INVALID_ENCODING',
      line,
      column,
      message: `The file is not valid UTF-8: byte ${byte} at line ${line}, column ${column} is not part of a valid character (is the file Latin-1 or Windows-1252?); save it as UTF-8.`,
    }
  }
}

/** Offset of the first byte that does not start a well-formed UTF-8 sequence (RFC 3629: no overlongs, surrogates or code points past U+10FFFF). */
function findInvalidUtf8(bytes: Uint8Array): number {
  let i = 0
  while (i < bytes.length) {
    const lead = bytes[i]!
    if (lead < 0x80) {
      i++
      continue
    }
    const length = lead >= 0xc2 && lead <= 0xdf ? 2 : lead >= 0xe0 && lead <= 0xef ? 3 : lead >= 0xf0 && lead <= 0xf4 ? 4 : 0
    if (length === 0 || i + length > bytes.length) return i
    // The second byte's range is narrower after some leads: that is what rules out overlongs and surrogates.
    const low = lead === 0xe0 ? 0xa0 : lead === 0xf0 ? 0x90 : 0x80
    const high = lead === 0xed ? 0x9f : lead === 0xf4 ? 0x8f : 0xbf
    if (bytes[i + 1]! < low || bytes[i + 1]! > high) return i
    for (let k = 2; k < length; k++) if ((bytes[i + k]! & 0xc0) !== 0x80) return i
    i += length
  }
  return 0 // the decoder refused something this scan accepts: point at the start rather than nowhere
}

function countNewlines(bytes: Uint8Array, end: number): number {
  let count = 0
  for (let i = bytes.indexOf(0x0a); i !== -1 && i < end; i = bytes.indexOf(0x0a, i + 1)) count++
  return count
}
