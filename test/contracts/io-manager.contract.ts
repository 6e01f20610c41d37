/**
 * The contract every IoManager passes (hono's `common.case.test.ts` pattern): round trips of JSON,
 * bytes, streams and tables; atomicity; concurrent writers; missing objects; URI schemes; key checks.
 * Each `*.test.ts` beside this file runs it against one IoManager.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto'
import { PassThrough, Readable } from 'node:stream'
import { tableFromArrays, type Table } from 'apache-arrow'
import { describe, expect, test } from 'vitest'
import type { OutputDecl } from '../../src/spec/model.ts'
import type { IoContext, IoManager, OutputKey, StoredRef } from '../../src/plugins/types.ts'

export interface ContractSubject {
  readonly io: IoManager
  /** URI scheme with the colon, e.g. `file:`. */
  readonly scheme: string
  /** A prefix override (URI or path) for the `prefix` test, and the URI start it should give. */
  prefixFor(name: string): { readonly prefix: string; readonly uriStart: string }
}

export interface ContractOptions {
  /** Known gaps: test name → reason. Skipped tests show the reason. */
  readonly skip?: Readonly<Record<string, string>>
}

const silentLog = { debug() {}, info() {}, warn() {}, error() {} }
const ctxFor = (output: OutputDecl = { kind: 'any' }): IoContext => ({ signal: new AbortController().signal, log: silentLog, output })
const keyFor = (taskId = 'task_a'): OutputKey => ({ pipeline: 'contract', runId: `run-${randomUUID()}`, taskId })

async function drain(stream: unknown): Promise<Buffer> {
  expect(stream).toBeInstanceOf(Readable)
  const chunks: Buffer[] = []
  for await (const chunk of stream as Readable) chunks.push(Buffer.from(chunk as Uint8Array))
  return Buffer.concat(chunks)
}

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise
  } catch (error) {
    return (error as { code?: string }).code ?? 'no code'
  }
  return undefined
}

/** A stream of `total` bytes in 64 KiB chunks, that fails after `failAfter` bytes if given. */
function byteStream(data: Buffer, failAfter?: number): Readable {
  let offset = 0
  return new Readable({
    read() {
      if (failAfter !== undefined && offset >= failAfter) return this.destroy(new Error('source broke mid-way'))
      if (offset >= data.length) return this.push(null)
      const end = Math.min(offset + 65_536, data.length)
      this.push(data.subarray(offset, end))
      offset = end
    },
  })
}

function salesTable(rows: number): Table {
  return tableFromArrays({
    order_id: BigInt64Array.from({ length: rows }, (_, i) => BigInt(i)),
    amount: Float64Array.from({ length: rows }, (_, i) => i * 0.5),
    country: Array.from({ length: rows }, (_, i) => ['DE', 'FR', 'US'][i % 3]!),
  })
}
const salesDecl: OutputDecl = { kind: 'table', columns: { order_id: 'int64', amount: 'float64', country: 'string' } }

/** Registers the contract tests for the IoManager `make` builds (called once per test). */
export function ioManagerContract(make: () => Promise<ContractSubject>, options: ContractOptions = {}): void {
  const it = (name: string, fn: (subject: ContractSubject) => Promise<void>) => {
    const reason = options.skip?.[name]
    if (reason) test.skip(`${name} (skipped: ${reason})`, () => {})
    else test(name, async () => fn(await make()))
  }

  describe('JSON values', () => {
    it('round-trips JSON values and describes them with a URI of its scheme', async ({ io, scheme }) => {
      for (const value of [{ total: 12.5, count: 3, tags: ['a', 'ü'] }, [1, 2, 3], 'text', 42, true, null]) {
        const ref = await io.write(keyFor(), value, ctxFor())
        expect(ref).toMatchObject({ format: 'json' })
        expect(ref.uri.startsWith(`${scheme}//`)).toBe(true)
        expect(ref.sizeBytes).toBe(Buffer.byteLength(JSON.stringify(value)))
        expect(JSON.parse(JSON.stringify(ref))).toEqual(ref)
        expect(await io.read(ref, ctxFor())).toEqual(value)
      }
    })

    it('refuses values JSON cannot hold, naming the path', async ({ io }) => {
      await expect(io.write(keyFor(), undefined, ctxFor())).rejects.toMatchObject({ code: 'IO_UNSUPPORTED_VALUE' })
      await expect(io.write(keyFor(), { a: { b: [1, 2n] } }, ctxFor())).rejects.toMatchObject({
        code: 'IO_UNSUPPORTED_VALUE',
        message: expect.stringContaining('$.a.b[1] is a BigInt'),
      })
      await expect(io.write(keyFor(), { m: new Map() }, ctxFor())).rejects.toMatchObject({ code: 'IO_UNSUPPORTED_VALUE' })
    })
  })

  describe('bytes and streams', () => {
    it('round-trips bytes as a Buffer', async ({ io }) => {
      const data = randomBytes(100_000)
      const ref = await io.write(keyFor(), new Uint8Array(data), ctxFor())
      expect(ref).toMatchObject({ format: 'bytes', sizeBytes: data.length })
      expect(ref.stream).toBeUndefined()
      const back = await io.read(ref, ctxFor())
      expect(Buffer.isBuffer(back)).toBe(true)
      expect((back as Buffer).equals(data)).toBe(true)
    })

    it('round-trips a stream, reading it back as a stream', async ({ io }) => {
      const data = randomBytes(3 * 1024 * 1024 + 17)
      const ref = await io.write(keyFor(), byteStream(data), ctxFor())
      expect(ref).toMatchObject({ format: 'bytes', sizeBytes: data.length, stream: true })
      expect((await drain(await io.read(ref, ctxFor()))).equals(data)).toBe(true)
    })
  })

  describe('tables', () => {
    it('stores an Arrow table as Parquet and reads an Arrow table back', async ({ io }) => {
      const ref = await io.write(keyFor(), salesTable(1000), ctxFor(salesDecl))
      expect(ref.format).toBe('parquet')
      expect(ref.uri.endsWith('.parquet')).toBe(true)
      const back = (await io.read(ref, ctxFor(salesDecl))) as Table
      expect(back.numRows).toBe(1000)
      expect(back.schema.fields.map((f) => f.name)).toEqual(['order_id', 'amount', 'country'])
      expect(back.getChild('order_id')!.get(999)).toBe(999n)
      expect(back.getChild('amount')!.get(10)).toBe(5)
      expect(back.getChild('country')!.get(4)).toBe('FR')
    })

    it('refuses a table whose columns differ from the declared ones, naming the column', async ({ io }) => {
      const decl: OutputDecl = { kind: 'table', columns: { order_id: 'int32', amount: 'float64', country: 'string', day: 'date' } }
      const error = await io.write(keyFor(), salesTable(3), ctxFor(decl)).catch((e: unknown) => e)
      expect(error).toMatchObject({ code: 'TABLE_SCHEMA_MISMATCH' })
      expect((error as Error).message).toContain("column 'order_id' is Int64, declared int32")
      expect((error as Error).message).toContain("column 'day' (date) is missing")
    })

    it('refuses a non-table value for a table output', async ({ io }) => {
      await expect(io.write(keyFor(), 'not a table', ctxFor(salesDecl))).rejects.toMatchObject({ code: 'IO_UNSUPPORTED_VALUE' })
    })
  })

  describe('content hashes (issue 12: cache keys know outputs by content)', () => {
    it('records the sha256 of the stored bytes: equal content, equal hash, whatever the run', async ({ io }) => {
      const data = randomBytes(200_000)
      const fromBuffer = await io.write(keyFor(), data, ctxFor())
      const fromStream = await io.write(keyFor(), byteStream(data), ctxFor())
      const expected = `sha256:${createHash('sha256').update(data).digest('hex')}`
      expect(fromBuffer.contentHash).toBe(expected)
      expect(fromStream.contentHash).toBe(expected)
      const json = await io.write(keyFor(), { a: 1, b: [2] }, ctxFor())
      expect(json.contentHash).toBe(`sha256:${createHash('sha256').update('{"a":1,"b":[2]}').digest('hex')}`)
      expect((await io.write(keyFor(), { a: 1, b: [2] }, ctxFor())).contentHash).toBe(json.contentHash)
      expect((await io.write(keyFor(), { a: 1, b: [3] }, ctxFor())).contentHash).not.toBe(json.contentHash)
    })

    it('writes the same table as the same bytes, so an unchanged table keeps its hash', async ({ io }) => {
      const first = await io.write(keyFor(), salesTable(1000), ctxFor(salesDecl))
      const second = await io.write(keyFor(), salesTable(1000), ctxFor(salesDecl))
      expect(first.contentHash).toMatch(/^sha256:[0-9a-f]{64}$/)
      expect(second.contentHash).toBe(first.contentHash)
      expect((await io.write(keyFor(), salesTable(999), ctxFor(salesDecl))).contentHash).not.toBe(first.contentHash)
    })
  })

  describe('atomicity', () => {
    it('leaves nothing visible when a stream fails mid-way', async ({ io }) => {
      const key = keyFor()
      const failed = await codeOf(io.write(key, byteStream(randomBytes(1_000_000), 300_000), ctxFor()))
      expect(failed).toBeDefined()
      const good = await io.write(key, Buffer.from('complete'), ctxFor())
      // The failed write left no object of its own; a later write is whole.
      expect((await io.read(good, ctxFor())) as Buffer).toEqual(Buffer.from('complete'))
    })

    it('keeps the previous value visible until a new one is complete', async ({ io }) => {
      const key = keyFor()
      const oldRef = await io.write(key, Buffer.from('old value'), ctxFor())
      const source = new PassThrough()
      const writing = io.write(key, source, ctxFor())
      source.write(randomBytes(200_000))
      await new Promise((r) => setImmediate(r))
      expect(((await io.read(oldRef, ctxFor())) as Buffer).toString()).toBe('old value')
      source.end(Buffer.from('tail'))
      const newRef = await writing
      expect(newRef.uri).toBe(oldRef.uri)
      expect((await drain(await io.read(newRef, ctxFor()))).length).toBe(200_004)
    })

    it('ends concurrent writers to one key with one complete value', async ({ io }) => {
      const key = keyFor()
      const bodies = Array.from({ length: 6 }, (_, i) => Buffer.alloc(256 * 1024 + i, i + 1))
      const refs = await Promise.all(bodies.map((b) => io.write(key, byteStream(b), ctxFor())))
      expect(new Set(refs.map((r) => r.uri)).size).toBe(1)
      const final = await drain(await io.read(refs[0]!, ctxFor()))
      const winner = bodies.find((b) => b.length === final.length)
      expect(winner).toBeDefined()
      expect(final.equals(winner!)).toBe(true)
    })
  })

  describe('locations and errors', () => {
    it('rejects a missing object with OUTPUT_NOT_FOUND', async ({ io }) => {
      const ref = await io.write(keyFor(), { a: 1 }, ctxFor())
      const missing: StoredRef = { ...ref, uri: ref.uri.replace(/\/output\.json$/, '/missing/output.json') }
      const error = await io.read(missing, ctxFor()).catch((e: unknown) => e)
      expect(error).toMatchObject({ code: 'OUTPUT_NOT_FOUND' })
      expect((error as Error).message).toContain(missing.uri)
      if (io.exists) {
        expect(await io.exists(missing, ctxFor())).toBe(false)
        expect(await io.exists(ref, ctxFor())).toBe(true)
      }
      await expect(io.read({ ...missing, format: 'bytes', stream: true }, ctxFor())).rejects.toMatchObject({ code: 'OUTPUT_NOT_FOUND' })
    })

    it('a ref with a version stops existing once its object is written over; one without only needs the object', async ({ io }) => {
      const key = keyFor()
      // Sizes differ: a version may be a size and a modification time, whose clock can tick slower than two writes.
      const first = await io.write(key, { a: 1 }, ctxFor())
      const second = await io.write(key, { a: 12345 }, ctxFor())
      expect(second.uri).toBe(first.uri)
      if (first.version !== undefined) expect(second.version).not.toBe(first.version)
      if (io.exists) {
        expect(await io.exists(second, ctxFor())).toBe(true)
        expect(await io.exists(first, ctxFor())).toBe(first.version === undefined)
        const { version: _version, ...unversioned } = first
        expect(await io.exists(unversioned, ctxFor())).toBe(true)
      }
    })

    it("an object written over with other bytes of the same size is not the ref's; the ref's own bytes written again are", async ({ io }) => {
      const key = keyFor()
      const first = await io.write(key, { a: 1 }, ctxFor())
      const other = await io.write(key, { a: 2 }, ctxFor())
      if (io.exists && first.version !== undefined) {
        expect(other.sizeBytes).toBe(first.sizeBytes)
        expect(await io.exists(first, ctxFor())).toBe(false)
        await io.write(key, { a: 1 }, ctxFor())
        expect(await io.exists(first, ctxFor())).toBe(true)
        expect(await io.exists(other, ctxFor())).toBe(false)
      }
    })

    it('refuses ids that would escape the output root', async ({ io }) => {
      for (const key of [
        { pipeline: 'p', runId: '../x', taskId: 't' },
        { pipeline: 'p', runId: 'r', taskId: 'a/b' },
        { pipeline: '..', runId: 'r', taskId: 't' },
        { pipeline: 'p', runId: '', taskId: 't' },
      ])
        await expect(io.write(key, 1, ctxFor())).rejects.toMatchObject({ code: 'IO_INVALID_KEY' })
    })

    it('writes under a prefix override', async (subject) => {
      const { prefix, uriStart } = subject.prefixFor(`custom-${randomUUID()}`)
      const ref = await subject.io.write({ ...keyFor(), prefix }, { ok: true }, ctxFor())
      expect(ref.uri).toBe(`${uriStart}/output.json`)
      expect(await subject.io.read(ref, ctxFor())).toEqual({ ok: true })
    })

    it('refuses URIs of another scheme', async ({ io }) => {
      const ref: StoredRef = { uri: 'other://bucket/x/output.json', format: 'json', io: 'other' }
      await expect(io.read(ref, ctxFor())).rejects.toMatchObject({ code: 'IO_UNSUPPORTED_URI' })
      await expect(io.write({ ...keyFor(), prefix: 'other://bucket/x' }, 1, ctxFor())).rejects.toMatchObject({ code: 'IO_UNSUPPORTED_URI' })
    })
  })
}
