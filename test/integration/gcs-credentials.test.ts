// Issue 15: a run with the gcs IoManager and no Google credentials fails at once with one clear
// message, and never contacts a cloud metadata server (169.254.169.254, metadata.google.internal)
// unless the user opts in. Checked from outside: the built CLI runs with a preload that records (and
// keeps on this machine) every connection and DNS lookup, in process and in each `weir execute`.
import { execFile } from 'node:child_process'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { gcsEmulatorMissing, startGcsEmulator, type GcsEmulator } from '../services/gcs/emulator.ts'
import { describeIfAvailable } from '../support/services.ts'

const WEIR = fileURLToPath(new URL('../../bin/weir.js', import.meta.url))
const PRELOAD = fileURLToPath(new URL('../support/record-connections.cjs', import.meta.url))

interface Contact {
  kind: 'connect' | 'lookup'
  host: string
  port?: number
}
interface RunOutcome {
  code: number | null
  stdout: string
  stderr: string
  contacts: Contact[]
  result?: { status: string; tasks: Record<string, { status: string; attempts: number; error?: { code: string; message: string; recoverable?: boolean } }> }
}

let root: string
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'weir-gcs-credentials-'))
})
afterAll(() => {
  rmSync(root, { recursive: true, force: true })
})

/** A project whose one task writes an output through a gcs IoManager configured by `io`. */
function project(io: string): string {
  const dir = mkdtempSync(join(root, 'project-'))
  writeFileSync(join(dir, 'package.json'), '{"type":"module"}')
  mkdirSync(join(dir, 'handlers'))
  writeFileSync(join(dir, 'handlers', 'h.js'), 'export const make = () => ({ n: 1 })\nexport const use = ({ x }) => ({ got: x.n })\n')
  writeFileSync(
    join(dir, 'p.yaml'),
    `apiVersion: weir/v1\nkind: Pipeline\nname: gcs_creds\nio:\n  default: ${io}\ntasks:\n  make:\n    handler: ./handlers/h.js#make\n    retries: { max: 2, delay: 1ms }\n  use:\n    handler: ./handlers/h.js#use\n    inputs: { x: "\${{ tasks.make.output }}" }\n`,
  )
  return dir
}

/** The environment of a machine with no Google credentials at all: nothing that points Google libraries anywhere. */
function bareEnv(extra: Record<string, string>, log: string, home: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [k, v] of Object.entries(process.env))
    if (!/^(GCE_|GOOGLE_|GCLOUD_|CLOUDSDK_|STORAGE_EMULATOR_HOST|NO_GCE_CHECK|METADATA_SERVER_DETECTION|WEIR_GCS_|NODE_OPTIONS)/.test(k)) env[k] = v
  return { ...env, HOME: home, NO_COLOR: '1', CI: '1', WEIR_TEST_CONNECT_LOG: log, NODE_OPTIONS: `--require "${PRELOAD}"`, ...extra }
}

function runWeir(dir: string, args: string[], extra: Record<string, string> = {}): Promise<RunOutcome> {
  const log = join(dir, `contacts-${Math.random().toString(36).slice(2)}.jsonl`)
  const home = join(dir, 'home')
  mkdirSync(home, { recursive: true })
  return new Promise((resolve) =>
    execFile(
      process.execPath,
      [WEIR, 'run', 'p.yaml', '--json', ...args],
      // A bound, not a timing assertion: before the fix one attempt took minutes.
      { cwd: dir, env: bareEnv(extra, log, home), timeout: 60_000, killSignal: 'SIGKILL' },
      (error, stdout, stderr) => {
        const contacts = existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Contact) : []
        let result: RunOutcome['result']
        try {
          result = JSON.parse(stdout) as RunOutcome['result']
        } catch {
          result = undefined
        }
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr, contacts, ...(result && { result }) })
      },
    ),
  )
}

const isLoopback = (c: Contact): boolean => c.host === '127.0.0.1' || c.host === 'localhost' || c.host === '::1'

describe.each(['inprocess', 'subprocess'])('gcs without credentials (--executor %s)', (executor) => {
  test('fails at once with one message naming the ways to give credentials, contacting nothing', async () => {
    const dir = project('{ type: gcs, bucket: acme-lake, prefix: weir }')
    const r = await runWeir(dir, ['--executor', executor])
    expect(r.contacts).toEqual([])
    expect(r.code, r.stderr).toBe(1)
    const make = r.result!.tasks.make!
    expect(make.status).toBe('failed')
    // Not retried as if transient: the task allows 2 retries.
    expect(make.attempts).toBe(1)
    expect(make.error?.code).toBe('IO_NO_CREDENTIALS')
    expect(make.error?.message).toContain("The gcs IoManager (bucket 'acme-lake') found no Google credentials")
    for (const way of ['GOOGLE_APPLICATION_CREDENTIALS', 'gcloud auth application-default login', 'endpoint', 'STORAGE_EMULATOR_HOST', 'WEIR_GCS_ALLOW_METADATA=1', 'metadata: true'])
      expect(make.error?.message).toContain(way)
    expect(r.result!.tasks.use!.status).toBe('skipped')
    expect(r.stderr).not.toContain('MetadataLookupWarning')
  })

  test('a GOOGLE_APPLICATION_CREDENTIALS file that does not exist is named, and nothing is contacted', async () => {
    const dir = project('{ type: gcs, bucket: acme-lake }')
    const r = await runWeir(dir, ['--executor', executor], { GOOGLE_APPLICATION_CREDENTIALS: join(dir, 'nope.json') })
    expect(r.contacts).toEqual([])
    expect(r.code, r.stderr).toBe(1)
    const make = r.result!.tasks.make!
    expect(make.attempts).toBe(1)
    expect(make.error?.code).toBe('IO_NO_CREDENTIALS')
    expect(make.error?.message).toContain(`GOOGLE_APPLICATION_CREDENTIALS names '${join(dir, 'nope.json')}', which is not a readable file`)
  })
})

describe('gcs with the metadata server opted in', () => {
  let metadata: Server
  let hits: string[]
  beforeAll(async () => {
    hits = []
    // A metadata server that is there but has no service account: credentials still fail, fast.
    metadata = createServer((req, res) => {
      hits.push(req.url ?? '')
      res.writeHead(404, { 'Metadata-Flavor': 'Google' }).end('not found')
    })
    await new Promise<void>((resolve) => metadata.listen(0, '127.0.0.1', resolve))
  })
  afterAll(async () => {
    await new Promise((resolve) => metadata.close(resolve))
  })

  test.each([
    ['WEIR_GCS_ALLOW_METADATA=1', '{ type: gcs, bucket: acme-lake }', { WEIR_GCS_ALLOW_METADATA: '1' }],
    ['metadata: true', '{ type: gcs, bucket: acme-lake, metadata: true }', {}],
  ])('with %s it asks the metadata server (and only it), then says what is missing', async (_name, io, extra) => {
    const port = (metadata.address() as AddressInfo).port
    const dir = project(io)
    const r = await runWeir(dir, [], { ...extra, GCE_METADATA_HOST: `127.0.0.1:${port}` })
    expect(r.contacts.length).toBeGreaterThan(0)
    expect(r.contacts.every(isLoopback)).toBe(true)
    expect(r.contacts.some((c) => c.kind === 'connect' && c.port === port)).toBe(true)
    expect(r.code, r.stderr).toBe(1)
    const make = r.result!.tasks.make!
    expect(make.error?.code).toBe('IO_NO_CREDENTIALS')
    expect(make.error?.message).toContain("The gcs IoManager (bucket 'acme-lake') found no Google credentials, and the metadata server gave none")
    expect(make.attempts).toBe(1)
    expect(r.stderr).not.toContain('MetadataLookupWarning')
  })
})

describeIfAvailable(gcsEmulatorMissing())('gcs against an emulator needs no credentials', () => {
  let emulator: GcsEmulator
  beforeAll(async () => {
    emulator = await startGcsEmulator()
  })
  afterAll(async () => {
    await emulator?.stop()
  })

  test.each(['inprocess', 'subprocess'])('endpoint: the run succeeds and contacts only 127.0.0.1 (--executor %s)', async (executor) => {
    const dir = project(`{ type: gcs, bucket: ${emulator.createBucket()}, endpoint: "${emulator.url}" }`)
    const r = await runWeir(dir, ['--executor', executor])
    expect(r.code, r.stderr).toBe(0)
    expect(r.contacts.length).toBeGreaterThan(0)
    expect(r.contacts.filter((c) => !isLoopback(c))).toEqual([])
  })

  test('STORAGE_EMULATOR_HOST: the run succeeds and contacts only 127.0.0.1', async () => {
    const dir = project(`{ type: gcs, bucket: ${emulator.createBucket()} }`)
    const r = await runWeir(dir, [], { STORAGE_EMULATOR_HOST: emulator.url })
    expect(r.code, r.stderr).toBe(0)
    expect(r.contacts.filter((c) => !isLoopback(c))).toEqual([])
  })
})
