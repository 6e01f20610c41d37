// weir ui's HTTP API against a real store: every endpoint, the security checks (Host, cross-site
// POSTs, token), path containment of the file endpoints, and that no secret param value is ever
// sent to the browser. Runs are made by the built CLI: `npm run build` first.
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { readFile, readdir, rm, symlink, writeFile, mkdir } from 'node:fs/promises'
import { existsSync } from 'node:fs'
import { hostname } from 'node:os'
import { join } from 'node:path'
import type { UiServer } from '../../../src/ui/server/start-server.ts'
import { startUiServer } from '../../../src/ui/server/start-server.ts'
import type { UiOutputPreview, UiPipeline, UiPipelineDetail, UiRun, UiRunPage, UiLogChunk } from '../../../src/ui/api-types.ts'
import { previewSchedules } from '../../../src/runtime/schedule/preview.ts'
import { validateSpecFile } from '../../../src/spec/validate.ts'
import { builtinCatalog } from '../../../src/plugins/catalog.ts'
import { createUiProject, runOddities, runWeirSync, SECRET, startUi, waitFor } from '../../support/ui-project.ts'
import type { UiProject } from '../../support/ui-project.ts'
import { isProcessAlive } from '../../../src/plugins/io/process-alive.ts'

let project: UiProject
let server: UiServer
let failedRun: string
let okRun: string
/** Every body the server sent in these tests: none may contain the secret. */
const bodies: string[] = []

async function call(path: string, init: RequestInit & { headers?: Record<string, string> } = {}): Promise<{ status: number; body: string; headers: Headers }> {
  const res = await fetch(new URL(path, server.url), init)
  const body = await res.text()
  bodies.push(body)
  return { status: res.status, body, headers: res.headers }
}
async function getJson<T>(path: string): Promise<T> {
  const r = await call(path)
  expect(r.status, r.body).toBe(200)
  return JSON.parse(r.body) as T
}
const origin = (): string => new URL(server.url).origin
function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  return call(path, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json', 'x-weir-token': server.csrfToken, origin: origin(), ...headers } })
}
const runIdOf = (output: string): string => /run (\d{8}-\d{6}-[0-9a-f]+)/.exec(output)![1]!

beforeAll(async () => {
  project = await createUiProject()
  const failed = runWeirSync(project.dir, ['run', 'pipelines/demo.yaml'], { token: SECRET, fail: true })
  expect(failed.status, failed.output).toBe(1)
  failedRun = runIdOf(failed.output)
  const ok = runWeirSync(project.dir, ['run', 'pipelines/demo.yaml'])
  expect(ok.status, ok.output).toBe(0)
  okRun = runIdOf(ok.output)
  server = await startUi(project)
})
afterAll(async () => {
  await server?.close()
  await project?.remove()
})

describe('the page and its assets', () => {
  test('serves the page with a strict CSP, the per-server token, and only local assets', async () => {
    const r = await call('/')
    expect(r.status).toBe(200)
    expect(r.headers.get('content-security-policy')).toContain("default-src 'none'")
    expect(r.headers.get('content-security-policy')).toContain("script-src 'self'")
    expect(r.body).toContain(`<meta name="weir-token" content="${server.csrfToken}">`)
    expect(r.body).not.toMatch(/https?:\/\//)
    for (const asset of ['app.js', 'app.css', 'layout-worker.js']) expect((await call(`/assets/${asset}`)).status).toBe(200)
    expect((await call('/assets/..%2F..%2Fpackage.json')).status).toBe(404)
    expect((await call('/nope')).status).toBe(404)
  })

  test('refuses a Host header that is not this server (DNS rebinding)', async () => {
    const { request } = await import('node:http')
    const status = await new Promise<number>((done, fail) => {
      const req = request(new URL('/api/runs', server.url), { headers: { host: `evil.example:${server.port}` } }, (res) => {
        res.resume()
        done(res.statusCode!)
      })
      req.on('error', fail)
      req.end()
    })
    expect(status).toBe(421)
  })

  test("--open's one-time ticket is exchanged for the access token once, within its time, by a same-origin JSON request", async () => {
    const token = 'a-long-enough-access-token-2'
    const ui = await startUiServer({ paths: [], findSpecFiles: async () => [], plugins: builtinCatalog(), port: 0, accessToken: token, assetsDir: 'dist/ui', weirCommand: [], cwd: project.dir })
    try {
      const opened = new URL(ui.openUrl())
      const ticket = opened.searchParams.get('ticket')!
      expect(opened.searchParams.has('token')).toBe(false)
      expect(ticket).toMatch(/^[0-9a-f]{48}$/)
      const exchange = (headers: Record<string, string>) =>
        fetch(new URL('/api/access', opened), { method: 'POST', headers: { 'content-type': 'application/json', 'x-weir-token': ui.csrfToken, ...headers }, body: '{}' })
      // Another origin cannot: the state-change checks apply.
      expect((await exchange({ 'x-weir-ticket': ticket, origin: 'http://127.0.0.1:1' })).status).toBe(403)
      const first = await exchange({ 'x-weir-ticket': ticket })
      expect(first.status).toBe(200)
      expect(await first.json()).toEqual({ token })
      expect((await exchange({ 'x-weir-ticket': ticket })).status).toBe(401)
      expect((await exchange({ 'x-weir-ticket': 'f'.repeat(48) })).status).toBe(401)
    } finally {
      await ui.close()
    }
  })

  test('bound to every interface with a token, it answers whatever name other machines reach it by (the token stops a rebinding page)', async () => {
    // The documented `weir ui --host 0.0.0.0` answered 421 to every browser on another machine:
    // they send the machine's address or name as Host, and only loopback names were allowed.
    const token = 'a-long-enough-access-token'
    const wide = await startUiServer({ paths: [], findSpecFiles: async () => [], plugins: builtinCatalog(), host: '0.0.0.0', port: 0, accessToken: token, assetsDir: 'dist/ui', weirCommand: [], cwd: project.dir })
    try {
      const { request } = await import('node:http')
      const send = (path: string, headers: Record<string, string>, body?: string) =>
        new Promise<number>((done, fail) => {
          const req = request({ host: '127.0.0.1', port: wide.port, path, method: body === undefined ? 'GET' : 'POST', headers }, (res) => {
            res.resume()
            done(res.statusCode!)
          })
          req.on('error', fail)
          req.end(body)
        })
      const host = `build-box.example:${wide.port}`
      expect(await send('/api/runs', { host, 'x-weir-access': token })).toBe(200)
      expect(await send(`/api/runs?access=${token}`, { host: `192.0.2.7:${wide.port}` })).toBe(200)
      expect(await send('/api/runs', { host })).toBe(401)
      const post = { 'content-type': 'application/json', 'x-weir-access': token, 'x-weir-token': wide.csrfToken }
      expect(await send('/api/runs/20270101-000000-000000/cancel', { ...post, host, origin: `http://${host}` }, '{}')).toBe(404)
      expect(await send('/api/runs/20270101-000000-000000/cancel', { ...post, host, origin: 'http://evil.example' }, '{}')).toBe(403)
    } finally {
      await wide.close()
    }
  })

  test('refuses to bind another interface without an access token', async () => {
    await expect(startUiServer({ paths: [], findSpecFiles: async () => [], plugins: builtinCatalog(), host: '0.0.0.0', assetsDir: 'dist/ui', weirCommand: [] })).rejects.toThrow(/access token/)
  })
})

describe('reading', () => {
  test('GET /api/pipelines: validation with file:line:col, last run, next fires from the preview function', async () => {
    const list = await getJson<UiPipeline[]>('/api/pipelines')
    const byPath = Object.fromEntries(list.map((p) => [p.path, p]))
    const broken = byPath[join('pipelines', 'broken.yaml')]!
    expect(broken.valid).toBe(false)
    expect(broken.diagnostics).toContainEqual(expect.objectContaining({ code: 'UNKNOWN_TASK', line: 7, column: 19 }))
    const demo = byPath[join('pipelines', 'demo.yaml')]!
    expect(demo).toMatchObject({ name: 'demo', valid: true, taskCount: 4, lastRun: { runId: okRun, status: 'succeeded' } })
    const nightly = byPath[join('pipelines', 'nightly.yaml')]!
    const { pipeline } = await validateSpecFile(join(project.dir, 'pipelines', 'nightly.yaml'), { plugins: builtinCatalog() })
    const [expected] = await previewSchedules([pipeline!], new Date(), 3)
    expect(nightly.schedule).toMatchObject({ cron: '30 2 * * *', timezone: 'Europe/Berlin', fires: expected!.fires.map((f) => f.local) })
  })

  test('GET /api/pipelines/:name: params for the form, a secret without any value', async () => {
    const detail = await getJson<UiPipelineDetail>('/api/pipelines/demo')
    expect(detail.params.map((p) => [p.name, p.required, p.secret])).toEqual([
      ['fail', false, false],
      ['delay_ms', false, false],
      ['token', true, true],
    ])
    expect(detail.graph.tasks).toEqual(['extract', 'table', 'transform', 'load'])
    expect(detail.graph.edges).toContainEqual({ from: 'extract', to: 'transform', kind: 'data' })
    expect((await call('/api/pipelines/nope')).status).toBe(404)
  })

  test('GET /api/runs: newest first, filtered, paginated', async () => {
    const all = await getJson<UiRunPage>('/api/runs')
    expect(all.runs.map((r) => r.runId)).toEqual([okRun, failedRun])
    expect(all.pipelines).toEqual(['demo'])
    expect((await getJson<UiRunPage>('/api/runs?status=failed')).runs.map((r) => r.runId)).toEqual([failedRun])
    expect((await getJson<UiRunPage>('/api/runs?pipeline=nightly')).total).toBe(0)
    expect((await getJson<UiRunPage>('/api/runs?trigger=manual&pageSize=1&page=2')).runs.map((r) => r.runId)).toEqual([failedRun])
    expect((await call('/api/runs?page=0')).status).toBe(400)
  })

  test('GET /api/runs/:id: the run with its graph, params redacted', async () => {
    const run = await getJson<UiRun>(`/api/runs/${failedRun}`)
    expect(run).toMatchObject({ runId: failedRun, status: 'failed', canResume: true, canCancel: false, params: { fail: true, token: '[redacted]' } })
    const transform = run.tasks.find((t) => t.id === 'transform')!
    expect(transform.attempts.map((a) => a.status)).toEqual(['failed', 'failed'])
    expect(transform.attempts[0]!.retryDelayMs).toBeGreaterThanOrEqual(0)
    expect(transform.error).toMatchObject({ code: 'HANDLER_ERROR', message: 'transform exploded on purpose', origin: 'user' })
    expect(transform.error!.stack).toContain('demo.ts')
    expect(run.resumeParams.map((p) => p.name)).toEqual(['token'])
    expect((await call('/api/runs/19990101-000000-abcdef')).status).toBe(404)
  })

  test('GET …/log: the tail, then what came after an offset', async () => {
    const log = await getJson<UiLogChunk>(`/api/runs/${failedRun}/tasks/transform/log`)
    expect(log.text).toContain('transform exploded on purpose')
    expect(log.text).toContain('[attempt 2]')
    const after = await getJson<UiLogChunk>(`/api/runs/${failedRun}/tasks/transform/log?from=${log.next}`)
    expect(after).toEqual({ text: '', next: log.next, truncated: false })
    expect((await getJson<UiLogChunk>(`/api/runs/${failedRun}/tasks/load/log`)).text).toBe('')
  })

  test('GET …/output: JSON pretty-printed, a Parquet table as schema and rows', async () => {
    const json = await getJson<UiOutputPreview>(`/api/runs/${okRun}/tasks/transform/output`)
    expect(json).toMatchObject({ kind: 'json', text: '{\n  "total": 6\n}' })
    const table = await getJson<UiOutputPreview>(`/api/runs/${okRun}/tasks/table/output`)
    expect(table).toMatchObject({ kind: 'table', rowCount: 3, columns: [{ name: 'id', type: 'Int64' }, { name: 'name', type: 'Dictionary<Int32, Utf8>' }], rows: [['1', 'a'], ['2', 'b'], ['3', 'c']] })
    expect(await getJson<UiOutputPreview>(`/api/runs/${failedRun}/tasks/load/output`)).toEqual({ kind: 'none' })
  })

  test("GET …/output and …/log: a table's columns named toJSON, __proto__ and constructor, and values JSON has no word for; an output that was kept in memory; a log ending in a 100 KB line", async () => {
    // toJSON and __proto__ answered 500 (read through Arrow's row object), constructor gave empty
    // rows; dates came as epoch milliseconds, NaN as an empty cell, bytes as {"0":0,"1":255}.
    const runId = await runOddities(project)
    try {
      const table = await getJson<UiOutputPreview>(`/api/runs/${runId}/tasks/odd_table/output`)
      expect(table).toMatchObject({
        kind: 'table',
        rowCount: 2,
        columns: [
          { name: 'toJSON', type: 'Dictionary<Int32, Utf8>' },
          { name: '__proto__', type: 'Float64' },
          { name: 'constructor', type: 'Int64' },
          { name: 'day', type: 'Date32<DAY>' },
          { name: 'at', type: 'Timestamp<MILLISECOND, UTC>' },
          { name: 'blob', type: 'Binary' },
        ],
        rows: [
          ['x', 'NaN', '9007199254740993', '2024-02-29', '2024-02-29T12:30:00.005Z', '00ff (2 bytes)'],
          ['y', '-Infinity', null, '1969-12-31', '1970-01-01T00:00:00.000Z', '(0 bytes)'],
        ],
      })
      const memory = await getJson<UiOutputPreview>(`/api/runs/${runId}/tasks/in_memory/output`)
      expect(memory).toMatchObject({ kind: 'ref', reason: "held only in the memory of the run's own process: gone since that process ended" })
      // A last line of 100 KB made the log's tail empty ("nothing logged").
      const log = await getJson<UiLogChunk>(`/api/runs/${runId}/tasks/long_log/log`)
      expect(log.text).toContain('first')
      expect(log.text).toContain(`${'B'.repeat(1000)}`)
      expect(log.text).toMatch(/… \[line cut: \d+ bytes, the first 16384 shown\]\n$/)
    } finally {
      // The tests below count the runs in the store.
      await rm(join(project.stateDir, 'runs', runId), { recursive: true })
    }
  })

  test('GET …/events: server-sent events with the run', async () => {
    const res = await fetch(new URL(`/api/runs/${okRun}/events`, server.url))
    expect(res.headers.get('content-type')).toContain('text/event-stream')
    const text = await res.text()
    bodies.push(text)
    expect(text).toMatch(/^event: run$/m)
    expect(JSON.parse(/^data: (.*)$/m.exec(text)![1]!)).toMatchObject({ runId: okRun, status: 'succeeded' })
  })
})

test('twelve live event streams at once print no listener-leak warning', async () => {
  // Each stream listens to the server's closing signal; Node's default limit of ten printed
  // "MaxListenersExceededWarning: Possible EventTarget memory leak" on weir ui's terminal when an
  // eleventh tab watched a run.
  const runId = '20270101-000000-e0e0e0'
  await mkdir(join(project.stateDir, 'runs', runId))
  // A run of another host stays 'running' here, so its streams stay open.
  const header = { e: 'run', v: 1, runId, pipeline: 'demo', specHash: 'x', sourcePath: 'p', params: {}, trigger: 'manual', tasks: ['extract'], at: Date.now(), pid: 1, host: 'another-host' }
  await writeFile(join(project.stateDir, 'runs', runId, 'journal.jsonl'), JSON.stringify(header) + '\n')
  const warnings: string[] = []
  const onWarning = (warning: Error): void => void warnings.push(warning.name)
  process.on('warning', onWarning)
  const leave = new AbortController()
  try {
    const streams = await Promise.all(Array.from({ length: 12 }, () => fetch(new URL(`/api/runs/${runId}/events`, server.url), { signal: leave.signal })))
    // Each stream has sent the run, so each is open and listening.
    for (const res of streams) expect(new TextDecoder().decode((await res.body!.getReader().read()).value)).toContain('retry:')
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(warnings).not.toContain('MaxListenersExceededWarning')
  } finally {
    leave.abort()
    process.off('warning', onWarning)
    // The tests below count the runs in the store.
    await rm(join(project.stateDir, 'runs', runId), { recursive: true })
  }
})

describe('file endpoints never reach outside the store', () => {
  test.each([
    ['..', '/api/runs/../tasks/x/log'],
    ['encoded ..', '/api/runs/%2e%2e/tasks/x/log'],
    ['encoded slash', `/api/runs/..%2F..%2F..%2Fetc/tasks/passwd/log`],
    ['double-encoded', `/api/runs/%252e%252e%252f/tasks/x/log`],
    ['task with ..', `/api/runs/RUN/tasks/..%2F..%2F..%2Fsummary/log`],
    ['task with encoded slash', `/api/runs/RUN/tasks/%2e%2e%2fjournal/output`],
    ['task not in the run', `/api/runs/RUN/tasks/journal/log`],
  ])('%s is refused', async (_name, path) => {
    const r = await call(path.replace('RUN', okRun))
    expect([400, 404]).toContain(r.status)
    expect(r.body).not.toContain('"e":"run"')
    expect(r.body).not.toContain('root:')
  })

  test('a log file symlinked to a file outside the store is not read', async () => {
    const outside = join(project.dir, 'outside-secret.txt')
    await writeFile(outside, 'TOP SECRET CONTENT\n')
    const logDir = join(project.stateDir, 'runs', okRun, 'logs')
    await rm(join(logDir, 'load.log'), { force: true })
    await symlink(outside, join(logDir, 'load.log'))
    const r = await call(`/api/runs/${okRun}/tasks/load/log`)
    expect(r.status).toBe(200)
    expect(r.body).not.toContain('TOP SECRET')
    // A symlinked folder on the way does not help either.
    await mkdir(join(project.dir, 'elsewhere'))
    await writeFile(join(project.dir, 'elsewhere', 'extract.log'), 'TOP SECRET CONTENT\n')
    await rm(logDir, { recursive: true })
    await symlink(join(project.dir, 'elsewhere'), logDir)
    expect((await call(`/api/runs/${okRun}/tasks/extract/log`)).body).not.toContain('TOP SECRET')
  })

  test('an output whose file is symlinked out of the store is shown by URI only', async () => {
    const run = await getJson<UiRun>(`/api/runs/${okRun}`)
    const uri = run.tasks.find((t) => t.id === 'extract')!.output!.uri
    const path = new URL(uri).pathname
    await rm(path)
    await writeFile(join(project.dir, 'outside.json'), '{"TOP":"SECRET"}')
    await symlink(join(project.dir, 'outside.json'), path)
    const preview = await getJson<UiOutputPreview>(`/api/runs/${okRun}/tasks/extract/output`)
    expect(preview).toMatchObject({ kind: 'ref', uri })
    expect(JSON.stringify(preview)).not.toContain('SECRET')
  })
})

describe('actions', () => {
  test('state-changing requests from another site, without the token, or not JSON are refused', async () => {
    const body = { pipeline: 'demo', params: { token: SECRET } }
    expect((await post('/api/runs', body, { origin: 'http://evil.example' })).status).toBe(403)
    expect((await post('/api/runs', body, { 'sec-fetch-site': 'cross-site' })).status).toBe(403)
    expect((await post('/api/runs', body, { 'x-weir-token': 'wrong' })).status).toBe(403)
    expect((await call('/api/runs', { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'text/plain', 'x-weir-token': server.csrfToken } })).status).toBe(403)
    expect((await call(`/api/runs/${okRun}/cancel`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json', origin: 'null', 'x-weir-token': server.csrfToken } })).status).toBe(403)
    expect((await readdir(join(project.stateDir, 'runs'))).length).toBe(2)
  })

  test('a bad param value is refused with the schema error and the param named', async () => {
    const r = await post('/api/runs', { pipeline: 'demo', params: { token: SECRET, delay_ms: -5 } })
    expect(r.status).toBe(400)
    expect(JSON.parse(r.body)).toEqual({ error: expect.stringMatching(/^Param 'delay_ms' is invalid: value must be >= 0/), param: 'delay_ms' })
    const missing = await post('/api/runs', { pipeline: 'demo', params: {} })
    expect(JSON.parse(missing.body)).toMatchObject({ param: 'token' })
    expect(JSON.parse((await post('/api/runs', { pipeline: 'demo', params: { token: 42 } })).body).error).toContain('a secret value')
  })

  test('a param value nested thousands of levels deep is refused with a 400 naming it, starting and resuming, and no weir run is started', async () => {
    // It answered 500 (a stack overflow serialising the params) after starting a detached
    // `weir run --params-stdin` that then waited for its stdin forever, one per request.
    const launches = join(project.stateDir, 'ui', 'launches')
    const launched = async (): Promise<number> => (existsSync(launches) ? (await readdir(launches)).length : 0)
    const before = await launched()
    const deep = `${'['.repeat(5000)}"x"${']'.repeat(5000)}`
    const headers = { 'content-type': 'application/json', 'x-weir-token': server.csrfToken, origin: origin() }
    for (const [path, body] of [
      ['/api/runs', `{"pipeline":"demo","params":{"token":${deep}}}`],
      [`/api/runs/${failedRun}/resume`, `{"params":{"token":${deep}}}`],
    ] as const) {
      const r = await call(path, { method: 'POST', body, headers })
      expect(r.status, r.body).toBe(400)
      expect(JSON.parse(r.body)).toEqual({ error: expect.stringMatching(/^Param 'token' holds collections nested more than 128 levels deep/), param: 'token' })
    }
    expect(await launched()).toBe(before)
  })

  test('starts a run as a weir run process; the secret reaches the handler but never the store or argv', async () => {
    const r = await post('/api/runs', { pipeline: 'demo', params: { token: SECRET } })
    expect(r.status, r.body).toBe(200)
    const { runId } = JSON.parse(r.body) as { runId: string }
    const run = await waitFor(async () => {
      const view = await getJson<UiRun>(`/api/runs/${runId}`)
      return view.status !== 'running' && view
    }, 'the run to end')
    expect(run.status).toBe('succeeded')
    expect(run.tasks.find((t) => t.id === 'extract')!.values).toEqual({ rows: 3, token_length: SECRET.length })
    expect(await readFile(join(project.stateDir, 'runs', runId, 'journal.jsonl'), 'utf8')).not.toContain(SECRET)
    const launches = join(project.stateDir, 'ui', 'launches')
    for (const f of await readdir(launches)) expect(await readFile(join(launches, f), 'utf8')).not.toContain(SECRET)
  })

  test('resumes a failed run; cancels a running one (the process exits), refuses one of another host', async () => {
    const resumed = await post(`/api/runs/${failedRun}/resume`, { params: { token: SECRET, fail: false } })
    expect(resumed.status, resumed.body).toBe(200)
    const resumedId = (JSON.parse(resumed.body) as { runId: string }).runId
    const done = await waitFor(async () => {
      const v = await getJson<UiRun>(`/api/runs/${resumedId}`)
      return v.status !== 'running' && v
    }, 'the resume to end')
    expect(done).toMatchObject({ status: 'succeeded', trigger: 'resume', resumedFrom: failedRun })
    expect((await post(`/api/runs/${okRun}/resume`, {})).status).toBe(409)

    const slow = await post('/api/runs', { pipeline: 'demo', params: { token: SECRET, delay_ms: 60_000 } })
    const slowId = (JSON.parse(slow.body) as { runId: string }).runId
    const running = await getJson<UiRun>(`/api/runs/${slowId}`)
    expect(running).toMatchObject({ status: 'running', canCancel: true })
    // The secret went to the process on stdin: its command line (readable by every user) lacks it.
    if (existsSync(`/proc/${running.pid}/cmdline`)) expect(await readFile(`/proc/${running.pid}/cmdline`, 'utf8')).not.toContain(SECRET)
    const cancelled = await post(`/api/runs/${slowId}/cancel`, {})
    expect(cancelled.status, cancelled.body).toBe(200)
    // A second click while it winds down sends no second SIGINT (weir run's "stop at once"): the run still ends cancelled.
    expect([200, 409]).toContain((await post(`/api/runs/${slowId}/cancel`, {})).status)
    await waitFor(() => !isProcessAlive(running.pid, hostname()), 'the weir run process to exit')
    expect((await getJson<UiRun>(`/api/runs/${slowId}`)).status).toBe('cancelled')
    expect((await post(`/api/runs/${slowId}/cancel`, {})).status).toBe(409)

    const foreign = join(project.stateDir, 'runs', '20270101-000000-f0f0f0')
    await mkdir(foreign)
    const header = { e: 'run', v: 1, runId: '20270101-000000-f0f0f0', pipeline: 'demo', specHash: 'x', sourcePath: 'p', params: {}, trigger: 'manual', tasks: ['extract'], at: Date.now(), pid: 1, host: 'another-host' }
    await writeFile(join(foreign, 'journal.jsonl'), JSON.stringify(header) + '\n')
    const refused = await post('/api/runs/20270101-000000-f0f0f0/cancel', {})
    expect(refused.status).toBe(409)
    expect(JSON.parse(refused.body).error).toContain("host 'another-host'")
  })

  test('no answer in this file carried the secret', () => {
    expect(bodies.length).toBeGreaterThan(20)
    expect(bodies.filter((b) => b.includes(SECRET))).toEqual([])
    expect(existsSync(join(project.stateDir, 'ui', 'launches'))).toBe(true)
  })
})
