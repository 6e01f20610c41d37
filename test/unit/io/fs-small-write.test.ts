import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest'

// Counts the fsyncs of the byte store's small-body path (which calls the callback `fsync`).
const synced = vi.hoisted(() => ({ count: 0 }))
vi.mock('node:fs', async (original) => {
  const fs = await original<typeof import('node:fs')>()
  return {
    ...fs,
    fsync: (fd: number, callback: (error: NodeJS.ErrnoException | null) => void) => {
      synced.count++
      fs.fsync(fd, callback)
    },
  }
})

const { createFsByteStore } = await import('../../../src/plugins/io/fs/fs-byte-store.ts')

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'weir-fs-small-'))
  synced.count = 0
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

describe('fs byte store, small bodies (written synchronously but for the fsyncs)', () => {
  const signal = new AbortController().signal

  test('a durable write makes the folders, fsyncs the file and its folder, and leaves no temp file', async () => {
    const store = createFsByteStore({ root: dir, cwd: dir })
    const file = join(dir, 'a/b/values.json')
    expect(await store.put(pathToFileURL(file).href, Buffer.from('{"x":1}\n'), { signal, contentType: 'application/json' })).toEqual({ sizeBytes: 8, version: await store.versionOf!(pathToFileURL(file).href, signal) })
    expect(readFileSync(file, 'utf8')).toBe('{"x":1}\n')
    expect(readdirSync(join(dir, 'a/b'))).toEqual(['values.json'])
    expect(synced.count).toBe(2)
  })

  test('folderFlushedByNext: the file is fsynced, its folder only by the next durable write into it', async () => {
    const store = createFsByteStore({ root: dir, cwd: dir })
    const uri = (name: string) => pathToFileURL(join(dir, 'task', name)).href
    await store.put(uri('values.json'), Buffer.from('{}\n'), { signal, contentType: 'application/json', folderFlushedByNext: true })
    expect(synced.count).toBe(1)
    await store.put(uri('outputs.json'), Buffer.from('{}\n'), { signal, contentType: 'application/json' })
    expect(synced.count).toBe(3)
    expect(readdirSync(join(dir, 'task')).sort()).toEqual(['outputs.json', 'values.json'])
  })

  test('a write with durable: false is not fsynced', async () => {
    const store = createFsByteStore({ root: dir, cwd: dir })
    await store.put(pathToFileURL(join(dir, 'entry.json')).href, Buffer.from('{}'), { signal, contentType: 'application/json', durable: false })
    expect(synced.count).toBe(0)
  })

  test('replaces an existing file whole', async () => {
    const store = createFsByteStore({ root: dir, cwd: dir })
    const file = join(dir, 'outputs.json')
    writeFileSync(file, 'old and longer than the new one')
    await store.put(pathToFileURL(file).href, Buffer.from('new'), { signal, contentType: 'application/json' })
    expect(readFileSync(file, 'utf8')).toBe('new')
  })

  test('a failed rename is IO_WRITE_FAILED and leaves no temp file behind', async () => {
    const store = createFsByteStore({ root: dir, cwd: dir })
    // A non-empty folder where the file should go: rename(2) fails with EISDIR or ENOTEMPTY.
    mkdirSync(join(dir, 'taken.json/inside'), { recursive: true })
    await expect(store.put(pathToFileURL(join(dir, 'taken.json')).href, Buffer.from('{}'), { signal, contentType: 'application/json' })).rejects.toMatchObject({ code: 'IO_WRITE_FAILED' })
    expect(readdirSync(dir)).toEqual(['taken.json'])
  })

  test('an aborted signal stops the write before anything is written', async () => {
    const store = createFsByteStore({ root: dir, cwd: dir })
    const controller = new AbortController()
    controller.abort(new Error('timed out'))
    await expect(store.put(pathToFileURL(join(dir, 'x.json')).href, Buffer.from('{}'), { signal: controller.signal, contentType: 'application/json' })).rejects.toThrow('timed out')
    expect(readdirSync(dir)).toEqual([])
  })

  test('putSync (a document written as the process exits) makes the folders, replaces the file whole, leaves no temp file, and fails as IO_WRITE_FAILED', () => {
    const store = createFsByteStore({ root: dir, cwd: dir })
    const file = join(dir, 'a/b/error.json')
    store.putSync!(pathToFileURL(file).href, Buffer.from('{"code":"X"}\n'))
    store.putSync!(pathToFileURL(file).href, Buffer.from('{}\n'))
    expect(readFileSync(file, 'utf8')).toBe('{}\n')
    expect(readdirSync(join(dir, 'a/b'))).toEqual(['error.json'])
    mkdirSync(join(dir, 'taken.json/inside'), { recursive: true })
    expect(() => store.putSync!(pathToFileURL(join(dir, 'taken.json')).href, Buffer.from('{}'))).toThrow(expect.objectContaining({ code: 'IO_WRITE_FAILED' }))
    expect(readdirSync(dir).sort()).toEqual(['a', 'taken.json'])
  })
})
