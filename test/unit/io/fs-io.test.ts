import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PassThrough, Readable } from 'node:stream'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { fsIo } from '../../../src/plugins/io/fs/index.ts'
import { createFsByteStore, prefixToPath } from '../../../src/plugins/io/fs/fs-byte-store.ts'
import type { CacheEntry, StoredRef } from '../../../src/plugins/types.ts'

const log = { debug() {}, info() {}, warn() {}, error() {} }
const ctx = { signal: new AbortController().signal, log, output: { kind: 'any' } as const }
const key = { pipeline: 'daily_sales', runId: '20261122-030812-a1b2c3', taskId: 'summarize' }
let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'weir-fs-io-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

describe('fs IoManager', () => {
  test('writes JSON under <stateDir>/data/<pipeline>/<run>/<task>/ by default', async () => {
    const io = fsIo.create({}, { cwd: dir, stateDir: '.weir', log })
    const ref = await io.write(key, { total: 1 }, ctx)
    const file = join(dir, '.weir/data/daily_sales/20261122-030812-a1b2c3/summarize/output.json')
    expect(ref).toEqual({ uri: pathToFileURL(file).href, format: 'json', io: 'fs', sizeBytes: 11, contentHash: expect.stringMatching(/^sha256:[0-9a-f]{64}$/), version: expect.stringMatching(/^11:\d+$/) })
    expect(readFileSync(file, 'utf8')).toBe('{"total":1}')
  })

  test('owns the files under its root only, by path segments', () => {
    const root = join(dir, 'data')
    const store = createFsByteStore({ root, cwd: dir })
    const uri = (path: string) => pathToFileURL(path).href
    expect(store.owns!(uri(join(root, 'p', 'r', 't', 'output.json')))).toBe(true)
    expect(store.owns!(`${uri(root)}/p/../p/output.json`)).toBe(true)
    for (const outside of [uri(root), uri(`${root}-other/output.json`), `${uri(root)}/../secret.json`, `${uri(root)}/%2e%2e/secret.json`, 'file:///etc/passwd', 'gs://b/data/p/output.json', 'not a uri'])
      expect(store.owns!(outside), outside).toBe(false)
  })

  test('owns its files by real paths too: a state dir reached through a link, and back (review finding: every entry was "damaged", run after run)', async () => {
    const real = join(dir, 'real-state')
    const link = join(dir, 'link-state')
    mkdirSync(real)
    symlinkSync(real, link)
    const address = { pipeline: 'daily_sales', task: 'summarize', key: 'a'.repeat(64) }
    const entry = (output: StoredRef): CacheEntry => ({ ...address, format: 1, components: {}, runId: key.runId, createdAt: new Date().toISOString(), output, values: {} })
    const byReal = fsIo.create({}, { cwd: dir, stateDir: real, log })
    const byLink = fsIo.create({}, { cwd: dir, stateDir: link, log })
    await byReal.cache!.write(entry(await byReal.write(key, { total: 1 }, ctx)), 'create', ctx.signal)
    expect(await byLink.cache!.inspect!(address, ctx.signal)).toMatchObject({ output: { uri: pathToFileURL(join(real, 'data/daily_sales', key.runId, 'summarize/output.json')).href } })
    await byLink.cache!.write(entry(await byLink.write(key, { total: 2 }, ctx)), 'replace', ctx.signal)
    expect(await byReal.cache!.inspect!(address, ctx.signal)).toMatchObject({ output: { uri: pathToFileURL(join(link, 'data/daily_sales', key.runId, 'summarize/output.json')).href } })
    // An output deleted since is still named by the real path of its folder: the entry is listed (and misses as deleted).
    rmSync(join(real, 'data/daily_sales'), { recursive: true })
    expect(await byReal.cache!.inspect!(address, ctx.signal)).toMatchObject({ output: expect.anything() })
    // A file that really is elsewhere is not its own, however it is reached.
    symlinkSync(dir, join(real, 'data/up'))
    const store = createFsByteStore({ root: join(link, 'data'), cwd: dir })
    expect(store.owns!(pathToFileURL(join(real, 'data/up/elsewhere.json')).href)).toBe(false)
    expect(store.owns!(pathToFileURL(join(real, 'data-other/x.json')).href)).toBe(false)
  })

  test("a ref's version is the file's size and modification time after the rename; a file changed since does not count as the ref's", async () => {
    const io = fsIo.create({}, { cwd: dir, stateDir: '.weir', log })
    const small = await io.write(key, { total: 1 }, ctx)
    // Above the small-write threshold, written through the thread pool.
    const large = await io.write({ ...key, taskId: 'large' }, Buffer.alloc(300 * 1024, 7), ctx)
    for (const ref of [small, large]) {
      const file = fileURLToPath(ref.uri)
      const stats = statSync(file, { bigint: true })
      expect(ref.version).toBe(`${stats.size}:${stats.mtimeNs}`)
      expect(await io.exists!(ref, ctx)).toBe(true)
      // Other bytes of the same size, written over it: not the ref's object.
      const bytes = readFileSync(file)
      writeFileSync(file, Buffer.from(bytes).fill(8, 0, 1))
      expect(await io.exists!(ref, ctx)).toBe(false)
      // The ref's bytes back: still its object.
      writeFileSync(file, bytes)
      expect(await io.exists!(ref, ctx)).toBe(true)
      // Longer, with the ref's bytes first: not its object.
      writeFileSync(file, Buffer.concat([bytes, Buffer.from(' ')]))
      expect(await io.exists!(ref, ctx)).toBe(false)
    }
  })

  test("the same bytes with another modification time are the ref's object (review finding: tar, cp, touch made every cache entry 'deleted')", async () => {
    const io = fsIo.create({}, { cwd: dir, stateDir: '.weir', log })
    const small = await io.write(key, { total: 1 }, ctx)
    const large = await io.write({ ...key, taskId: 'large' }, Buffer.alloc(300 * 1024, 7), ctx)
    for (const ref of [small, large]) {
      utimesSync(fileURLToPath(ref.uri), new Date('2020-01-01T00:00:00Z'), new Date('2020-01-01T00:00:00Z'))
      expect(await io.exists!(ref, ctx)).toBe(true)
      // A ref without a content hash cannot be compared: replaced.
      const { contentHash: _hash, ...unhashed } = ref
      expect(await io.exists!(unhashed, ctx)).toBe(false)
    }
  })

  test('resolves a configured root against the working directory', async () => {
    const io = fsIo.create({ root: 'outputs' }, { cwd: dir, stateDir: '/elsewhere', log })
    const ref = await io.write(key, 1, ctx)
    expect(fileURLToPath(ref.uri)).toBe(join(dir, 'outputs', 'daily_sales', key.runId, 'summarize', 'output.json'))
  })

  test.each([
    ['gs://lake/weir', /is a URI; root is a folder on this machine/],
    ['file:///data/weir', /is a URI; root is a folder on this machine/],
    ['~/weir', /starts with '~', which no shell expands here/],
    ['~', /starts with '~'/],
  ])("refuses root '%s' (it named a folder 'gs:', 'file:' or '~' under the working directory) and writes nothing", async (root, message) => {
    const io = fsIo.create({ root }, { cwd: dir, stateDir: '.weir', log })
    await expect(io.write(key, 1, ctx)).rejects.toMatchObject({ code: 'IO_UNSUPPORTED_URI', message: expect.stringMatching(message) })
    expect(readdirSync(dir)).toEqual([])
  })

  test('leaves no temp files behind, after success or a failed stream', async () => {
    const io = fsIo.create({}, { cwd: dir, stateDir: '.weir', log })
    const ref = await io.write(key, Buffer.from('x'), ctx)
    const broken = new Readable({
      read() {
        this.push(Buffer.alloc(1000))
        this.destroy(new Error('upstream died'))
      },
    })
    await expect(io.write(key, broken, ctx)).rejects.toMatchObject({ code: 'IO_WRITE_FAILED', message: expect.stringContaining('upstream died') })
    const folder = join(fileURLToPath(ref.uri), '..')
    expect(readdirSync(folder)).toEqual(['output.bin'])
    expect(readFileSync(join(folder, 'output.bin'), 'utf8')).toBe('x')
  })

  test('refuses a stream of objects or numbers as IO_UNSUPPORTED_VALUE, leaving nothing behind; text chunks are stored as UTF-8', async () => {
    // A byte-mode tap threw from inside the source's 'data' event: an uncaught error that ended the whole run.
    const io = fsIo.create({}, { cwd: dir, stateDir: '.weir', log })
    await expect(io.write(key, Readable.from([{ a: 1 }]), ctx)).rejects.toMatchObject({ code: 'IO_UNSUPPORTED_VALUE', message: expect.stringContaining('emitted an object') })
    await expect(io.write(key, Readable.from([Buffer.from('x'), 2]), ctx)).rejects.toMatchObject({ code: 'IO_UNSUPPORTED_VALUE', message: expect.stringContaining('emitted a number') })
    expect(existsSync(join(dir, '.weir/data/daily_sales', key.runId, 'summarize'))).toBe(true)
    expect(readdirSync(join(dir, '.weir/data/daily_sales', key.runId, 'summarize'))).toEqual([])
    const ref = await io.write(key, Readable.from(['é', 'b']), ctx)
    expect(readFileSync(fileURLToPath(ref.uri), 'utf8')).toBe('éb')
    expect(await io.read(ref, ctx)).toBeInstanceOf(Readable)
  })

  test('stops a write when its signal aborts', async () => {
    const io = fsIo.create({}, { cwd: dir, stateDir: '.weir', log })
    const controller = new AbortController()
    const endless = new Readable({
      read() {
        this.push(Buffer.alloc(1024))
        if (!controller.signal.aborted) controller.abort(new Error('timed out'))
      },
    })
    await expect(io.write(key, endless, { ...ctx, signal: controller.signal })).rejects.toThrow('timed out')
  })

  test('an abort ends the write of a stream that has stalled and removes its temp file (no next chunk comes to notice it)', async () => {
    const io = fsIo.create({}, { cwd: dir, stateDir: '.weir', log })
    const controller = new AbortController()
    const folder = join(dir, '.weir/data/daily_sales/20261122-030812-a1b2c3/summarize')
    // One chunk, then nothing: a handler's stream waiting on something that never comes.
    const stalled = new PassThrough()
    stalled.write(Buffer.alloc(300 * 1024))
    const writing = io.write(key, stalled, { ...ctx, signal: controller.signal })
    // Aborted once the chunk is in the temp file and the write waits for the next one.
    const holdsChunk = () => existsSync(folder) && readdirSync(folder).some((f) => f.endsWith('.tmp') && statSync(join(folder, f)).size > 0)
    while (!holdsChunk()) await new Promise((r) => setTimeout(r, 5))
    controller.abort(new Error('timed out'))
    await expect(writing).rejects.toThrow('timed out')
    expect(stalled.destroyed).toBe(true)
    expect(readdirSync(folder)).toEqual([])
  })

  test('takes prefixes as file:// URIs or paths and refuses other schemes', () => {
    expect(prefixToPath('file:///data/x', '/cwd')).toBe('/data/x')
    expect(prefixToPath('out/x', '/cwd')).toBe('/cwd/out/x')
    expect(prefixToPath('/abs/x', '/cwd')).toBe('/abs/x')
    expect(() => prefixToPath('gs://bucket/x', '/cwd')).toThrow(expect.objectContaining({ code: 'IO_UNSUPPORTED_URI' }))
  })

  test('reports a damaged JSON file as IO_READ_FAILED', async () => {
    const io = fsIo.create({}, { cwd: dir, stateDir: '.weir', log })
    const ref = await io.write(key, Buffer.from('{not json'), ctx)
    await expect(io.read({ ...ref, format: 'json' }, ctx)).rejects.toMatchObject({ code: 'IO_READ_FAILED' })
    await expect(io.read({ ...ref, format: 'parquet' }, ctx)).rejects.toMatchObject({ code: 'IO_READ_FAILED' })
  })
})
