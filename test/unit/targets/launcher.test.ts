/**
 * The generated Databricks launcher, run for real with python3: it starts Node with the given
 * script, passes arguments and output through, turns a non-zero exit into a non-zero exit of its
 * own (a FAILED task on Databricks), and forwards SIGTERM so a timeout or cancel reaches weir.
 */
import { afterAll, beforeAll, expect, test } from 'vitest'
import { spawn, spawnSync } from 'node:child_process'
import { once } from 'node:events'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { LAUNCHER_SOURCE } from '../../../src/plugins/targets/databricks/launcher.ts'
import { describeIfAvailable, pythonMissing } from '../../support/services.ts'

const probe = spawnSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' })
const hasPython = probe.status === 0
const python = hasPython ? probe.stdout.trim() : 'python3'
let dir: string
let launcher: string
let script: string

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'weir-launcher-'))
  launcher = join(dir, 'weir_launcher.py')
  script = join(dir, 'task.mjs')
  await writeFile(launcher, LAUNCHER_SOURCE)
  await writeFile(
    script,
    `const [mode, code] = process.argv.slice(2)
if (mode === 'exit') { console.log('args', JSON.stringify(process.argv.slice(2))); process.exit(Number(code)) }
if (mode === 'wait') {
  process.on('SIGTERM', () => { console.log('got SIGTERM'); process.exit(7) })
  setInterval(() => {}, 1000)
  console.log('ready')
}
`,
  )
})
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true })
})

/** Runs the launcher with WEIR_NODE set to this Node; resolves with its exit code and output. */
function runLauncher(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync('python3', [launcher, script, ...args], { env: { ...process.env, WEIR_NODE: process.execPath }, encoding: 'utf8' })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

describeIfAvailable(pythonMissing())('the Databricks launcher (python3)', () => {
  test('exits 0 when weir exits 0, passing arguments with spaces and braces unchanged', () => {
    const r = runLauncher(['exit', '0', 'a b', '{{job.run_id}}'])
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('args ["exit","0","a b","{{job.run_id}}"]')
  })

  test.each([1, 3])('fails with status %i when weir exits %i', (code) => {
    const r = runLauncher(['exit', String(code)])
    expect(r.code).toBe(code)
    expect(r.stderr).toContain(`weir exited with status ${code}`)
  })

  test('forwards SIGTERM to weir and reports its exit status', async () => {
    const child = spawn('python3', [launcher, script, 'wait'], { env: { ...process.env, WEIR_NODE: process.execPath }, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    child.stdout.setEncoding('utf8')
    await new Promise<void>((resolve) => {
      child.stdout.on('data', (chunk: string) => {
        out += chunk
        if (out.includes('ready')) resolve()
      })
    })
    child.kill('SIGTERM')
    const [code] = (await once(child, 'exit')) as [number | null]
    expect(out).toContain('got SIGTERM')
    expect(code).toBe(7)
  })

  test('says how to fix a missing Node', () => {
    const r = spawnSync(python, [launcher, script, 'exit', '0'], { env: { PATH: '/nonexistent', WEIR_NODE: '' }, encoding: 'utf8' })
    expect(r.status).toBe(2)
    expect(r.stderr).toContain('Node.js not found')
  })
})
