/**
 * FNV-1a (32 bits) over a string's UTF-16 code units, as 8 hex digits: a short name for a file or a
 * tag, never a defence (anyone who can write where such a name is used can write what it names).
 * Not a sha256: loading node:crypto costs a `weir execute` process more than what it would hash.
 */
export function shortHash(text: string): string {
  let sum = 0x811c9dc5
  for (let i = 0; i < text.length; i++) sum = Math.imul(sum ^ text.charCodeAt(i), 0x01000193)
  return (sum >>> 0).toString(16).padStart(8, '0')
}
