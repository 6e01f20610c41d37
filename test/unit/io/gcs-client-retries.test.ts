/**
 * One layer retries each call. weir's byte store retries metadata calls and in-memory uploads
 * itself (4 tries, 250 ms doubling: docs/io-managers.md#gcs); the client library retrying the same
 * calls underneath multiplied the tries and added its own backoff of seconds, so a write to an
 * endpoint that answers 503 or refuses connections took minutes to fail. Resumable uploads and
 * reads stay with the library, which resumes them where the server left off.
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Readable } from 'node:stream'
import { afterAll, beforeAll, beforeEach, expect, test } from 'vitest'
import { createStorageGcsClient } from '../../../src/plugins/io/gcs/storage-gcs-client.ts'
import type { GcsClient } from '../../../src/plugins/io/gcs/gcs-client.ts'

let server: Server
let requests = 0
let client: GcsClient
const signal = new AbortController().signal

beforeAll(async () => {
  server = createServer((req, res) => {
    requests++
    req.resume()
    res.writeHead(503, { 'content-type': 'application/json' }).end('{"error":{"code":503,"message":"unavailable"}}')
  })
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done))
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  client = createStorageGcsClient({ projectId: 'demo-test', bucket: 'b', credentials: { kind: 'none' }, endpoint })
})
afterAll(async () => {
  server.closeAllConnections()
  await new Promise((done) => server.close(done))
})
beforeEach(() => {
  requests = 0
})

test.each([
  ['stat', () => client.stat('b', 'o', signal)],
  ['list', () => client.list('b', 'p/', signal)],
  ['delete', () => client.delete('b', 'o', signal)],
  ['an in-memory upload', () => client.put('b', 'o', Buffer.from('x'), { contentType: 'application/json', ifGenerationMatch: '0', resumable: false, signal })],
])('%s sends one request and leaves retrying to the byte store', async (_name, call) => {
  await expect(call()).rejects.toThrow()
  expect(requests).toBe(1)
})

test('a resumable upload is still retried by the library', async () => {
  const body = Readable.from([Buffer.from('x')])
  await expect(client.put('b', 'o', body, { contentType: 'application/octet-stream', ifGenerationMatch: '0', resumable: true, signal })).rejects.toThrow()
  expect(requests).toBeGreaterThan(1)
}, 60_000)
