import { Readable } from 'node:stream'
import { describe, expect, test } from 'vitest'
import { createGcsByteStore, type GcsByteStoreOptions } from '../../../src/plugins/io/gcs/gcs-byte-store.ts'
import { isTransientGcsError } from '../../../src/plugins/io/gcs/gcs-client.ts'
import { resolveProjectId } from '../../../src/plugins/io/gcs/create-gcs-io.ts'
import { createMemoryGcsClient, httpError } from './memory-gcs-client.ts'

const signal = new AbortController().signal
const put = { signal, contentType: 'application/octet-stream' }
const sleeps: number[] = []
const options: GcsByteStoreOptions = {
  bucket: 'b',
  prefix: 'weir',
  resumableThresholdBytes: 10,
  maxAttempts: 3,
  retryDelayMs: 100,
  sleep: async (ms) => void sleeps.push(ms),
}
const text = async (stream: Readable) => {
  let out = ''
  for await (const chunk of stream) out += String(chunk)
  return out
}

describe('gcs byte store', () => {
  test('derives gs://bucket/prefix/pipeline/run/task and honours prefix overrides', () => {
    const store = createGcsByteStore(createMemoryGcsClient(), options)
    const key = { pipeline: 'p', runId: 'r1', taskId: 't' }
    expect(store.folderOf(key)).toBe('gs://b/weir/p/r1/t')
    expect(store.folderOf({ ...key, prefix: 'gs://other/x/y/' })).toBe('gs://other/x/y')
    expect(store.folderOf({ ...key, prefix: '/runs/42/' })).toBe('gs://b/runs/42')
    expect(() => store.folderOf({ ...key, prefix: 'file:///tmp/x' })).toThrow(expect.objectContaining({ code: 'IO_UNSUPPORTED_URI' }))
  })

  test('creates with ifGenerationMatch 0 and replaces with the generation it saw', async () => {
    const client = createMemoryGcsClient()
    const store = createGcsByteStore(client, options)
    await store.put('gs://b/o', Buffer.from('one'), put)
    const first = await client.stat('b', 'o', signal)
    await store.put('gs://b/o', Buffer.from('two'), put)
    expect(client.puts.map((p) => p.options.ifGenerationMatch)).toEqual(['0', first!.generation])
    expect((await store.readAll('gs://b/o', signal)).toString()).toBe('two')
  })

  test('uploads streams and large bodies resumably, small bodies in one request', async () => {
    const client = createMemoryGcsClient()
    const store = createGcsByteStore(client, options)
    await store.put('gs://b/small', Buffer.from('tiny'), put)
    await store.put('gs://b/large', Buffer.alloc(10), put)
    await store.put('gs://b/stream', Readable.from([Buffer.from('s')]), put)
    expect(client.puts.map((p) => [p.name, p.options.resumable])).toEqual([
      ['small', false],
      ['large', true],
      ['stream', true],
    ])
  })

  test('retries transient errors with doubling delays, then succeeds', async () => {
    sleeps.length = 0
    const client = createMemoryGcsClient()
    client.failNext('put', httpError(503), httpError(429))
    const store = createGcsByteStore(client, options)
    expect(await store.put('gs://b/o', Buffer.from('ok'), put)).toEqual({ sizeBytes: 2, version: await store.versionOf!('gs://b/o', signal) })
    expect(sleeps).toEqual([100, 200])
    expect((await store.readAll('gs://b/o', signal)).toString()).toBe('ok')
  })

  test('gives up after maxAttempts and does not retry permanent errors', async () => {
    const client = createMemoryGcsClient()
    const store = createGcsByteStore(client, options)
    client.failNext('put', httpError(500), httpError(502), httpError(503))
    await expect(store.put('gs://b/o', Buffer.from('x'), put)).rejects.toMatchObject({ code: 'IO_WRITE_FAILED' })
    client.failNext('put', httpError(403, 'Forbidden'))
    await expect(store.put('gs://b/o', Buffer.from('x'), put)).rejects.toMatchObject({ code: 'IO_WRITE_FAILED', message: expect.stringContaining('Forbidden') })
    expect(client.puts).toHaveLength(4)
  })

  test('missing credentials keep their code and message and are not retried (issue 15)', async () => {
    sleeps.length = 0
    const client = createMemoryGcsClient()
    const store = createGcsByteStore(client, options)
    const refused = () => Object.assign(new Error('no credentials'), { code: 'IO_NO_CREDENTIALS' })
    client.failNext('stat', refused())
    await expect(store.put('gs://b/o', Buffer.from('x'), put)).rejects.toMatchObject({ code: 'IO_NO_CREDENTIALS', message: 'no credentials' })
    client.failNext('stat', refused())
    await expect(store.readAll('gs://b/o', signal)).rejects.toMatchObject({ code: 'IO_NO_CREDENTIALS', message: 'no credentials' })
    expect(sleeps).toEqual([])
  })

  test('lets a concurrent writer that finalized first win, with its complete value', async () => {
    const client = createMemoryGcsClient()
    const store = createGcsByteStore(client, options)
    client.beforeCommit = () => {
      client.beforeCommit = undefined
      client.overwrite('b', 'o', Buffer.from('the other writer'))
    }
    // The version is the winner's generation: the object there, not the upload that lost.
    expect(await store.put('gs://b/o', Readable.from([Buffer.from('mine')]), put)).toEqual({ sizeBytes: 16, version: await store.versionOf!('gs://b/o', signal) })
    expect((await store.readAll('gs://b/o', signal)).toString()).toBe('the other writer')
  })

  test('reads the generation it saw even if the object is replaced while reading', async () => {
    const client = createMemoryGcsClient()
    const store = createGcsByteStore(client, options)
    await store.put('gs://b/o', Buffer.from('first'), put)
    const stream = await store.openRead('gs://b/o', signal)
    client.overwrite('b', 'o', Buffer.from('second'))
    expect(await text(stream)).toBe('first')
  })

  test('reports missing objects as OUTPUT_NOT_FOUND and other read failures as IO_READ_FAILED', async () => {
    const client = createMemoryGcsClient()
    const store = createGcsByteStore(client, options)
    await expect(store.readAll('gs://b/none', signal)).rejects.toMatchObject({ code: 'OUTPUT_NOT_FOUND' })
    await expect(store.openRead('gs://b/none', signal)).rejects.toMatchObject({ code: 'OUTPUT_NOT_FOUND' })
    expect(await store.exists('gs://b/none', signal)).toBe(false)
    client.failNext('stat', httpError(403))
    await expect(store.readAll('gs://b/none', signal)).rejects.toMatchObject({ code: 'IO_READ_FAILED' })
  })

  test('a stat or delete that fails (a bucket that cannot be reached) is IO_READ_FAILED / IO_WRITE_FAILED naming the object, not the raw network error', async () => {
    const client = createMemoryGcsClient()
    const store = createGcsByteStore(client, { ...options, maxAttempts: 1 })
    const refused = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' })
    for (const op of [(uri: string) => store.exists(uri, signal), (uri: string) => store.versionOf!(uri, signal), (uri: string) => store.sizeOf!(uri, signal)]) {
      client.failNext('stat', refused())
      await expect(op('gs://b/run/a/error.json')).rejects.toMatchObject({ code: 'IO_READ_FAILED', message: "Could not read 'gs://b/run/a/error.json': connect ECONNREFUSED 127.0.0.1:1" })
    }
    client.failNext('delete', refused())
    await expect(store.remove!('gs://b/run/a/outputs.json', signal)).rejects.toMatchObject({ code: 'IO_WRITE_FAILED', message: "Could not remove 'gs://b/run/a/outputs.json': connect ECONNREFUSED 127.0.0.1:1" })
    // Credentials errors keep their own code (they say how to fix them).
    client.failNext('stat', Object.assign(new Error('no credentials'), { code: 'IO_NO_CREDENTIALS' }))
    await expect(store.exists('gs://b/x', signal)).rejects.toMatchObject({ code: 'IO_NO_CREDENTIALS' })
  })
})

test('classifies transient errors', () => {
  for (const status of [408, 429, 500, 503]) expect(isTransientGcsError(httpError(status))).toBe(true)
  for (const status of [400, 401, 403, 404, 412]) expect(isTransientGcsError(httpError(status))).toBe(false)
  expect(isTransientGcsError(Object.assign(new Error('reset'), { code: 'ECONNRESET' }))).toBe(true)
})

test('always has a project id, so the auth library never asks the metadata server', () => {
  expect(resolveProjectId({ bucket: 'b', projectId: 'p' }, {})).toBe('p')
  expect(resolveProjectId({ bucket: 'b' }, { GOOGLE_CLOUD_PROJECT: 'env-p' })).toBe('env-p')
  expect(resolveProjectId({ bucket: 'b' }, {})).toBe('weir-no-project')
})

test('chunks resumable uploads on Google Cloud by default, not against an emulator', async () => {
  const { resolveUploadChunkBytes } = await import('../../../src/plugins/io/gcs/create-gcs-io.ts')
  expect(resolveUploadChunkBytes({ bucket: 'b' })).toBe(16 * 1024 * 1024)
  expect(resolveUploadChunkBytes({ bucket: 'b', endpoint: 'http://127.0.0.1:1' })).toBeUndefined()
  expect(resolveUploadChunkBytes({ bucket: 'b', uploadChunkBytes: 0 })).toBeUndefined()
  expect(resolveUploadChunkBytes({ bucket: 'b', endpoint: 'http://127.0.0.1:1', uploadChunkBytes: 262144 })).toBe(262144)
})
