/**
 * The checksum of a code cache file (code-cache-file.ts): FNV-1a over the data's 64-bit
 * little-endian words (the last one padded with zeros), then the length mixed in. V8 (Node 20) does
 * not check the data it is given, so this is what keeps a damaged file from V8: any change within
 * one 8-byte word always changes the sum (every step is a bijection of the sum so far), and other
 * damage goes unseen about once in 2^64. It is no defence against someone who can write files beside
 * the bundle; they could change the bundle itself.
 *
 * It runs in a WebAssembly function of 105 bytes: SHA-1 needed node:crypto, whose loading (it brings
 * node:stream) and hashing cost every `weir execute` more than the whole of this; the same loop in
 * JavaScript costs more still, interpreted until V8 optimises it. The module, in text format:
 *
 *   (module
 *     (memory (export "m") 0)
 *     (func (export "h") (param $end i32) (param $length i32) (result i64)
 *       (local $i i32) (local $sum i64)
 *       (local.set $sum (i64.const 0xcbf29ce484222325))
 *       (block (loop
 *         (br_if 1 (i32.ge_u (local.get $i) (local.get $end)))
 *         (local.set $sum (i64.mul (i64.xor (local.get $sum) (i64.load (local.get $i))) (i64.const 0x100000001b3)))
 *         (local.set $i (i32.add (local.get $i) (i32.const 8)))
 *         (br 0)))
 *       (i64.xor (local.get $sum) (i64.extend_i32_u (local.get $length)))))
 */

const MODULE =
  '0061736d0100000001070160027f7f017e030201000503010000070902016d0200016800000a42014002017f017e42a5c688a1c89ca7f94b' +
  '210302400340200220004f0d01200320022903008542b383808080207e2103200241086a21020c000b0b20032001ad850b'

const PAGE_BYTES = 65536

/** The part of the WebAssembly API used here (the project's types have no DOM library, where it is declared). */
interface WebAssemblyApi {
  Module: new (bytes: Uint8Array) => object
  Instance: new (module: object) => { exports: { m: { buffer: ArrayBuffer; grow(pages: number): number }; h: (end: number, length: number) => bigint } }
}

/** The 8-byte checksum of `data`, or undefined where WebAssembly is not available (then there is no cache). */
export function codeCacheChecksum(data: Uint8Array): Buffer | undefined {
  const wasm = (globalThis as { WebAssembly?: WebAssemblyApi }).WebAssembly
  if (wasm === undefined) return undefined
  const { m: memory, h: sum } = new wasm.Instance(new wasm.Module(Buffer.from(MODULE, 'hex'))).exports
  const padded = (data.length + 7) & ~7
  // A fresh memory is zeros: the padding of the last word.
  memory.grow(Math.ceil(padded / PAGE_BYTES))
  new Uint8Array(memory.buffer).set(data)
  const checksum = Buffer.alloc(8)
  checksum.writeBigUInt64LE(BigInt.asUintN(64, sum(padded, data.length)))
  return checksum
}
