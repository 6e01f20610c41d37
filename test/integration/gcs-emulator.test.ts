// The IoManager contract and GCS-specific behaviour against a real GCS emulator on 127.0.0.1.
// Under CI=true a missing emulator fails this file; locally it is skipped with the reason.
import { randomBytes } from 'node:crypto'
import { Readable } from 'node:stream'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { gcsIo } from '../../src/plugins/io/gcs/index.ts'
import { createStorageGcsClient } from '../../src/plugins/io/gcs/storage-gcs-client.ts'
import { gcsRemote } from '../../src/plugins/io/gcs/remote.ts'
import { gcsEmulatorMissing, startGcsEmulator, useOfflineGoogleEnv, type GcsEmulator } from '../services/gcs/emulator.ts'
import { ioManagerContract } from '../contracts/io-manager.contract.ts'
import { cacheIndexContract } from '../contracts/cache-index.contract.ts'

const missing = gcsEmulatorMissing()
if (missing && process.env.CI === 'true') throw new Error(`CI=true and ${missing}`)
if (missing) console.warn(`gcs emulator tests skipped: ${missing}`)
const env = { cwd: process.cwd(), stateDir: '.weir', log: { debug() {}, info() {}, warn() {}, error() {} } }
const ctx = { signal: new AbortController().signal, log: env.log, output: { kind: 'any' } as const }

describe.skipIf(missing !== undefined)(`gcs IoManager against the emulator${missing ? ` (skipped: ${missing})` : ''}`, () => {
  let emulator: GcsEmulator
  beforeAll(async () => {
    useOfflineGoogleEnv()
    emulator = await startGcsEmulator()
  })
  afterAll(async () => {
    await emulator?.stop()
  })

  ioManagerContract(async () => {
    const bucket = emulator.createBucket()
    return {
      io: gcsIo.create({ bucket, prefix: 'weir', endpoint: emulator.url, projectId: 'demo-test' }, env),
      scheme: 'gs:',
      prefixFor: (name) => ({ prefix: `gs://${bucket}/elsewhere/${name}`, uriStart: `gs://${bucket}/elsewhere/${name}` }),
    }
  })

  // Entries created with `ifGenerationMatch: 0` against the emulator: concurrent creators of one key included.
  cacheIndexContract(async () => gcsIo.create({ bucket: emulator.createBucket(), prefix: 'weir', endpoint: emulator.url, projectId: 'demo-test' }, env), {
    skip: {
      'concurrent creators of one key all end with the one entry that was stored, never a torn one':
        'the firebase-tools emulator ignores ifGenerationMatch (a second upload with ifGenerationMatch=0 succeeds there); test/contracts/gcs-cache.test.ts runs it over a client with Cloud Storage\'s preconditions',
    },
    foreignUri: 'gs://another-bucket/weir/contract/r1/extract/output.json',
  })

  test('writes outputs under gs://bucket/prefix/pipeline/run/task/', async () => {
    const bucket = emulator.createBucket()
    const io = gcsIo.create({ bucket, prefix: '/weir/', endpoint: emulator.url }, env)
    const ref = await io.write({ pipeline: 'daily_sales', runId: '20261122-030812-a1b2c3', taskId: 'extract' }, { n: 1 }, ctx)
    expect(ref).toEqual({ uri: `gs://${bucket}/weir/daily_sales/20261122-030812-a1b2c3/extract/output.json`, format: 'json', io: 'gcs', sizeBytes: 7, contentHash: expect.stringMatching(/^sha256:[0-9a-f]{64}$/), version: expect.stringMatching(/^\d+$/) })
  })

  test('uses resumable uploads above the threshold and one request below, both checksummed', async () => {
    const bucket = emulator.createBucket()
    const io = gcsIo.create({ bucket, endpoint: emulator.url, resumableThresholdBytes: 1024 }, env)
    for (const size of [100, 300_000]) {
      const data = randomBytes(size)
      const ref = await io.write({ pipeline: 'p', runId: `r${size}`, taskId: 't' }, data, ctx)
      expect(((await io.read(ref, ctx)) as Buffer).equals(data)).toBe(true)
    }
  })

  test('the real client reports a missing object as undefined and streams a stored one by generation', async () => {
    const bucket = emulator.createBucket()
    const client = createStorageGcsClient({ projectId: 'demo-test', bucket, credentials: { kind: 'none' }, endpoint: emulator.url })
    expect(await client.stat(bucket, 'nothing/here', ctx.signal)).toBeUndefined()
    const stat = await client.put(bucket, 'a/b', Readable.from([Buffer.from('hello')]), {
      contentType: 'application/octet-stream',
      ifGenerationMatch: '0',
      resumable: true,
      signal: ctx.signal,
    })
    expect(stat.size).toBe(5)
    const chunks: Buffer[] = []
    for await (const chunk of client.get(bucket, 'a/b', stat.generation, ctx.signal)) chunks.push(chunk as Buffer)
    expect(Buffer.concat(chunks).toString()).toBe('hello')
  })

  test("a gs:// URI in a bucket no entry names goes to the pipeline's service (the emulator), never to Google's", async () => {
    const named = emulator.createBucket()
    const other = emulator.createBucket()
    // Before, the other bucket got the library's defaults: storage.googleapis.com, with whatever credentials the machine held.
    const store = await gcsRemote.openStore(`gs://${other}/docs/inputs.json`, [{ bucket: named, endpoint: emulator.url, projectId: 'demo-test' }], env)
    await store.put(`gs://${other}/docs/inputs.json`, Buffer.from('{"a":1}'), { signal: ctx.signal, contentType: 'application/json' })
    expect((await store.readAll(`gs://${other}/docs/inputs.json`, ctx.signal)).toString()).toBe('{"a":1}')
  })

  test('STORAGE_EMULATOR_HOST written as a bare host:port (the emulators\' convention) is used, not refused', async () => {
    const bucket = emulator.createBucket()
    const before = process.env.STORAGE_EMULATOR_HOST
    process.env.STORAGE_EMULATOR_HOST = emulator.url.replace(/^https?:\/\//, '')
    try {
      const io = gcsIo.create({ bucket, projectId: 'demo-test' }, env)
      const key = { pipeline: 'p', runId: 'r1', taskId: 't' }
      const ref = await io.write(key, { a: 1 }, ctx)
      expect(await io.read(ref, ctx)).toEqual({ a: 1 })
    } finally {
      if (before === undefined) delete process.env.STORAGE_EMULATOR_HOST
      else process.env.STORAGE_EMULATOR_HOST = before
    }
  })
})
