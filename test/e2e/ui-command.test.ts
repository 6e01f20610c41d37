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

test('serves the page and the API on 127.0.0.1 until Ctrl-C, then exits 0', async () => {
  const child = spawn(process.execPath, [WEIR_BIN, 'ui', 'pipelines'], { cwd: project.dir, stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  try {
    const url = await new Promise<string>((done, fail) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString()
        const m = /weir ui: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out)
        if (m) done(m[1]!)
      })
      child.once('exit', (code) => fail(new Error(`weir ui exited with ${code}: ${out}`)))
    })
    const page = await fetch(url)
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('/assets/app.js')
    const pipelines = (await (await fetch(new URL('/api/pipelines', url))).json()) as { name?: string }[]
    expect(pipelines.map((p) => p.name ?? '(invalid)').sort()).toEqual(['(invalid)', 'demo', 'nightly'])
    const exited = new Promise<number | null>((done) => child.once('exit', done))
    child.kill('SIGINT')
    expect(await exited).toBe(0)
  } finally {
    // A failed assertion above must not leave the server running.
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
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
