// `weir ui` as a user starts it: the built CLI prints its URL, serves the page and the API, stops
// with Ctrl-C (exit 0); a bad port or path is a one-line usage error (exit 2).
import { afterAll, beforeAll, expect, test } from 'vitest'
import { spawn, spawnSync } from 'node:child_process'
import { createUiProject, WEIR_BIN } from '../support/ui-project.ts'
import type { UiProject } from '../support/ui-project.ts'

let project: UiProject
beforeAll(async () => {
  project = await createUiProject()
})
afterAll(async () => {
  await project?.remove()
})

test('serves the page and the API on 127.0.0.1, to whoever has the token it printed, until Ctrl-C, then exits 0', async () => {
  const { WEIR_UI_TOKEN: _, ...env } = process.env
  const child = spawn(process.execPath, [WEIR_BIN, 'ui', 'pipelines'], { cwd: project.dir, stdio: ['ignore', 'pipe', 'pipe'], env })
  let out = ''
  try {
    const url = await new Promise<string>((done, fail) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString()
        const m = /weir ui: (http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{48})\n/.exec(out)
        if (m) done(m[1]!)
      })
      child.once('exit', (code) => fail(new Error(`weir ui exited with ${code}: ${out}`)))
    })
    // Any user of the machine reaches 127.0.0.1: without the token, the API answers nothing.
    const bare = new URL('/', url)
    const token = new URL(url).searchParams.get('token')!
    expect((await fetch(new URL('/api/pipelines', bare))).status).toBe(401)
    expect((await fetch(new URL('/api/runs', bare), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).status).toBe(401)
    // The page itself (which reads the token from its URL) holds nothing of the store, and sets no cookie:
    // a browser would send a cookie of 127.0.0.1 to every port of it, another user's server included.
    const page = await fetch(url)
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('/assets/app.js')
    expect(page.headers.get('set-cookie')).toBeNull()
    expect((await fetch(new URL('/api/pipelines', bare), { headers: { cookie: `weir_ui=${token}` } })).status).toBe(401)
    const pipelines = (await (await fetch(new URL('/api/pipelines', bare), { headers: { 'x-weir-access': token } })).json()) as { name?: string }[]
    expect(pipelines.map((p) => p.name ?? '(invalid)').sort()).toEqual(['(invalid)', 'demo', 'nightly'])
    // A script (docs/ui.md, API): ?token= on an API URL is not read, and the 401 says where the token goes.
    const withToken = await fetch(new URL(`/api/pipelines?token=${token}`, bare))
    expect(withToken.status).toBe(401)
    expect(((await withToken.json()) as { error: string }).error).toMatch(/send the token printed by weir ui .* in an X-Weir-Access header, or as \?access=TOKEN/)
    // A script's POST takes the per-server token from the page's <meta name="weir-token">.
    const post = (headers: Record<string, string>): Promise<Response> =>
      fetch(new URL('/api/runs', bare), { method: 'POST', headers: { 'content-type': 'application/json', 'x-weir-access': token, ...headers }, body: '{"pipeline":"no_such_pipeline","params":{}}' })
    const noCsrf = await post({})
    expect(noCsrf.status).toBe(403)
    expect(((await noCsrf.json()) as { error: string }).error).toContain('<meta name="weir-token">')
    const csrf = /<meta name="weir-token" content="([^"]+)">/.exec(await (await fetch(bare)).text())![1]!
    const checked = await post({ 'x-weir-token': csrf })
    // Past the checks: the route itself answers (there is no such pipeline).
    expect(checked.status).toBe(404)
    expect(((await checked.json()) as { error: string }).error).toMatch(/no_such_pipeline/)
    const exited = new Promise<number | null>((done) => child.once('exit', done))
    child.kill('SIGINT')
    expect(await exited).toBe(0)
  } finally {
    // A failed assertion above must not leave the server running.
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  }
})

test('takes its token from WEIR_UI_TOKEN, and refuses one too short to keep anyone out', async () => {
  const short = spawnSync(process.execPath, [WEIR_BIN, 'ui', 'pipelines'], { cwd: project.dir, encoding: 'utf8', env: { ...process.env, WEIR_UI_TOKEN: 'abc' } })
  expect(short.status).toBe(2)
  expect(short.stderr).toBe('weir: ui: WEIR_UI_TOKEN must be 16 or more letters, digits or the characters . _ ~ -; unset it for a random one.\n')
  const token = 'fixed-token-for-my-tunnel-1234'
  const child = spawn(process.execPath, [WEIR_BIN, 'ui', 'pipelines'], { cwd: project.dir, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, WEIR_UI_TOKEN: token } })
  try {
    let out = ''
    const url = await new Promise<string>((done, fail) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString()
        const m = /weir ui: (\S+)\n/.exec(out)
        if (m) done(m[1]!)
      })
      child.once('exit', (code) => fail(new Error(`weir ui exited with ${code}: ${out}`)))
    })
    expect(new URL(url).searchParams.get('token')).toBe(token)
    expect((await fetch(new URL('/api/runs', url), { headers: { 'x-weir-access': token } })).status).toBe(200)
  } finally {
    child.kill('SIGKILL')
  }
})

test.each([
  [['ui', '--port', '99999'], /--port must be a port number from 0 to 65535, not '99999'/],
  [['ui', 'no-such-folder'], /'no-such-folder' does not exist/],
  [['ui', '--host', '203.0.113.9'], /cannot bind '203\.0\.113\.9'/],
  // Node would bind every interface for an empty host, and print the URL 'http://:PORT/'.
  [['ui', '--host', ''], /--host needs an address/],
])('weir %j is a usage error', (args, message) => {
  const r = spawnSync(process.execPath, [WEIR_BIN, ...args], { cwd: project.dir, encoding: 'utf8' })
  expect(r.status).toBe(2)
  expect(r.stderr).toMatch(message)
  expect(r.stderr.split('\n').filter(Boolean)).toHaveLength(1)
})

test('weir run --params-stdin refuses what is not one JSON object, without echoing it', () => {
  const r = spawnSync(process.execPath, [WEIR_BIN, 'run', 'pipelines/demo.yaml', '--params-stdin'], { cwd: project.dir, input: '{"token": "s3cr3t-value"', encoding: 'utf8' })
  expect(r.status).toBe(2)
  expect(r.stderr).toMatch(/stdin is not valid JSON/)
  expect(r.stderr).not.toContain('s3cr3t-value')
  const list = spawnSync(process.execPath, [WEIR_BIN, 'run', 'pipelines/demo.yaml', '--params-stdin'], { cwd: project.dir, input: '[1]', encoding: 'utf8' })
  expect(list.status).toBe(2)
  expect(list.stderr).toMatch(/one JSON object/)
})
