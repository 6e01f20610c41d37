/**
 * Random ids in the layout of a version 4 UUID, for temp file names (temp-files.ts): names nobody can
 * guess, so that nobody can put a link where weir is about to write. The bytes come from the kernel's
 * random source, /dev/urandom, where crypto.randomUUID's come from too (through OpenSSL), read 256
 * bytes at a time: without node:crypto, whose loading costs a task process (`weir execute`, which
 * writes two or three files) more than the rest of its writes. Where there is no /dev/urandom
 * (Windows), crypto.randomUUID.
 */
import { closeSync, openSync, readSync } from 'node:fs'
import { createRequire } from 'node:module'

const POOL_BYTES = 256
const ID_BYTES = 16

let pool: Buffer | undefined
let used = POOL_BYTES

export function randomId(): string {
  if (used + ID_BYTES > POOL_BYTES) {
    pool = readDevUrandom()
    used = 0
  }
  if (pool === undefined) return (createRequire(import.meta.url)('node:crypto') as typeof import('node:crypto')).randomUUID()
  const bytes = pool.subarray(used, (used += ID_BYTES))
  // The version (4) and variant (10) bits of RFC 9562.
  bytes[6] = (bytes[6]! & 0x0f) | 0x40
  bytes[8] = (bytes[8]! & 0x3f) | 0x80
  const hex = bytes.toString('hex')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}

function readDevUrandom(): Buffer | undefined {
  let fd: number
  try {
    fd = openSync('/dev/urandom', 'r')
  } catch {
    return undefined
  }
  try {
    const bytes = Buffer.alloc(POOL_BYTES)
    for (let length = 0; length < POOL_BYTES; ) {
      const read = readSync(fd, bytes, length, POOL_BYTES - length, null)
      if (read === 0) return undefined
      length += read
    }
    return bytes
  } catch {
    return undefined
  } finally {
    closeSync(fd)
  }
}
