/** `exists` of a versioned ref whose object has another version: compared by size, then by content hash, read as a stream. */
import { Readable } from 'node:stream'
import { describe, expect, test } from 'vitest'
import { createByteStoreIo } from '../../../src/plugins/io/byte-store-io.ts'
import { createMemoryByteStore } from '../../../src/plugins/io/memory/memory-byte-store.ts'
import type { ByteStore } from '../../../src/plugins/io/byte-store.ts'

const log = { debug() {}, info() {}, warn() {}, error() {} }
const ctx = { signal: new AbortController().signal, log, output: { kind: 'any' } as const }
const key = { pipeline: 'p', runId: 'r', taskId: 't' }

/** A memory store that counts the objects opened for reading; without `sizeOf` when told. */
function countingStore(withSize: boolean): ByteStore & { opened: number } {
  const store = createMemoryByteStore()
  const counted = Object.assign(Object.create(null) as object, store, {
    opened: 0,
    async openRead(uri: string, signal: AbortSignal) {
      counted.opened++
      return store.openRead(uri, signal)
    },
  }) as ByteStore & { opened: number }
  if (!withSize) delete (counted as { sizeOf?: unknown }).sizeOf
  return counted
}

describe('a versioned ref whose object was written again', () => {
  test('the same bytes are read once and count as the ref\'s object; the answer is kept for that version', async () => {
    const store = countingStore(true)
    const io = createByteStoreIo('memory', store)
    const ref = await io.write(key, Buffer.from('the same bytes'), ctx)
    await io.write(key, Buffer.from('the same bytes'), ctx)
    expect(await io.exists!(ref, ctx)).toBe(true)
    expect(await io.exists!(ref, ctx)).toBe(true)
    expect(store.opened).toBe(1)
  })

  test('another size is replaced without reading the object, where the store tells sizes', async () => {
    const store = countingStore(true)
    const io = createByteStoreIo('memory', store)
    const ref = await io.write(key, Buffer.from('first'), ctx)
    await io.write(key, Buffer.from('a longer body'), ctx)
    expect(await io.exists!(ref, ctx)).toBe(false)
    expect(store.opened).toBe(0)
  })

  test('without sizes, an object larger than the ref says is read no further than the ref\'s size', async () => {
    const store = countingStore(false)
    const io = createByteStoreIo('memory', store)
    const ref = await io.write(key, Buffer.from('first'), ctx)
    await io.write(key, Buffer.from('first, and more'), ctx)
    // An object without end: only stopping at the ref's size answers.
    store.openRead = async () => Readable.from((function* () {
      for (;;) yield Buffer.from('first')
    })())
    expect(await io.exists!(ref, ctx)).toBe(false)
  })

  test('without sizes, the same bytes are still the ref\'s object', async () => {
    const store = countingStore(false)
    const io = createByteStoreIo('memory', store)
    const ref = await io.write(key, Buffer.from('first'), ctx)
    await io.write(key, Buffer.from('first'), ctx)
    expect(await io.exists!(ref, ctx)).toBe(true)
    expect(store.opened).toBe(1)
  })

  test('the same size with other bytes is replaced', async () => {
    const io = createByteStoreIo('memory', countingStore(true))
    const ref = await io.write(key, Buffer.from('aaaa'), ctx)
    await io.write(key, Buffer.from('aaab'), ctx)
    expect(await io.exists!(ref, ctx)).toBe(false)
  })
})
