/** The checksum of code cache files (src/cli/code-cache-checksum.ts), a WebAssembly function, against its definition written in JavaScript. */
import { describe, expect, test } from 'vitest'
import { codeCacheChecksum } from '../../../src/cli/code-cache-checksum.ts'
import { createRng } from '../spec/support.ts'

/** FNV-1a over 64-bit little-endian words (the last padded with zeros), then the length xored in. */
function reference(data: Uint8Array): Buffer {
  const padded = new Uint8Array((data.length + 7) & ~7)
  padded.set(data)
  const view = new DataView(padded.buffer)
  let sum = 0xcbf29ce484222325n
  for (let i = 0; i < padded.length; i += 8) sum = BigInt.asUintN(64, (sum ^ view.getBigUint64(i, true)) * 0x100000001b3n)
  const out = Buffer.alloc(8)
  out.writeBigUInt64LE(sum ^ BigInt(data.length))
  return out
}

const randomBytes = (length: number, seed: number): Uint8Array => {
  const random = createRng(seed)
  return Uint8Array.from({ length }, () => Math.floor(random() * 256))
}

describe('code cache checksum', () => {
  test.each([0, 1, 7, 8, 9, 1000, 65_536, 65_536 * 3 + 5])('is FNV-1a over the 64-bit words of %i bytes', (length) => {
    const data = randomBytes(length, length + 1)
    expect(codeCacheChecksum(data)).toEqual(reference(data))
  })

  test('changes with any byte flipped, and with zeros added at the end', () => {
    const data = randomBytes(4099, 7)
    const whole = codeCacheChecksum(data)!
    for (let i = 0; i < data.length; i += 37) {
      const damaged = Uint8Array.from(data)
      damaged[i]! ^= 1 << i % 8
      expect(codeCacheChecksum(damaged), `byte ${i}`).not.toEqual(whole)
    }
    expect(codeCacheChecksum(Uint8Array.from([...data, 0]))).not.toEqual(whole)
    expect(codeCacheChecksum(data.subarray(0, data.length - 1))).not.toEqual(whole)
  })
})
