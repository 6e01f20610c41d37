/**
 * The generated Databricks launcher, run for real with python3: it starts Node with the given
 * script, passes arguments and output through, turns a non-zero exit into a non-zero exit of its
 * own (a FAILED task on Databricks), forwards SIGTERM so a timeout or cancel reaches weir, kills a
 * weir that does not stop within the grace (its event loop blocked), and reports a weir killed
 * after recording its attempt as TASK_TIMEOUT with the status weir gives that error.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { spawn, spawnSync } from 'node:child_process'
import { once } from 'node:events'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { pathToFileURL } from 'node:url'
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
  script = join(dir, 'task.cjs')
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
// As weir with a handler blocking its event loop: its SIGTERM listener never runs.
if (mode === 'blocked') {
  process.on('SIGTERM', () => { console.log('got SIGTERM'); process.exit(7) })
  console.log('ready')
  for (;;) {}
}
// As weir's watchdog: the attempt's error.json (when given), then SIGKILL.
if (mode === 'killed') {
  const [file, recoverable, attempt] = process.argv.slice(3)
  if (file !== '-') require('node:fs').writeFileSync(file, JSON.stringify({ code: 'TASK_TIMEOUT', origin: 'user', recoverable: recoverable === 'true', timedOut: true, attempt: Number(attempt) }))
  process.kill(process.pid, 'SIGKILL')
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

/** Starts the launcher, resolving once the script says it is ready. */
async function startLauncher(args: string[], env: Record<string, string> = {}) {
  const child = spawn('python3', [launcher, script, ...args], { env: { ...process.env, WEIR_NODE: process.execPath, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  let err = ''
  child.stdout.setEncoding('utf8')
  child.stderr.setEncoding('utf8')
  child.stderr.on('data', (chunk: string) => (err += chunk))
  await new Promise<void>((resolve) => {
    child.stdout.on('data', (chunk: string) => {
      out += chunk
      if (out.includes('ready')) resolve()
    })
  })
  return { child, output: () => ({ stdout: out, stderr: err }) }
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

  test('kills weir when it does not stop within the grace after SIGTERM (a handler blocking its event loop), and fails', async () => {
    const { child, output } = await startLauncher(['blocked'], { WEIR_LAUNCHER_KILL_GRACE: '0.5' })
    child.kill('SIGTERM')
    const [code] = (await once(child, 'exit')) as [number | null]
    // Before, the launcher waited for a weir that never ended.
    expect(code).toBe(137)
    expect(output().stdout).not.toContain('got SIGTERM')
    expect(output().stderr).toContain('weir launcher: weir did not stop within 0.5s of the signal (a handler blocking its event loop?); killing it')
  })

  describe('a weir killed after recording its attempt as TASK_TIMEOUT (a local output prefix)', () => {
    const prefixOf = async (name: string) => {
      const folder = join(dir, name)
      await mkdir(join(folder, 'items', '4'), { recursive: true })
      return folder
    }

    test.each([
      ['false', 3, 'a timeout the policy does not retry'],
      ['true', 1, 'a timeout that may be retried'],
    ])('recoverable %s: exits %i, as weir execute does for %s', async (recoverable, status) => {
      const folder = await prefixOf(`killed-${recoverable}`)
      const r = runLauncher(['killed', join(folder, 'error.json'), recoverable, '2', '--output-prefix', pathToFileURL(folder).href])
      expect(r.code).toBe(status)
      expect(r.stderr).toContain(`weir launcher: weir was killed (signal 9) after recording its attempt as TASK_TIMEOUT in ${join(folder, 'error.json')}`)
    })

    test("an item's error.json (--item-index), and a prefix given as a path", async () => {
      const folder = await prefixOf('killed-item')
      const r = runLauncher(['killed', join(folder, 'items', '4', 'error.json'), 'false', '1', `--output-prefix=${folder}`, '--item-index=4'])
      expect(r.code).toBe(3)
    })

    test("137 when this attempt recorded nothing (an earlier attempt's error.json), or the prefix is not local", async () => {
      const folder = await prefixOf('killed-earlier')
      await writeFile(join(folder, 'error.json'), JSON.stringify({ code: 'TASK_TIMEOUT', origin: 'user', recoverable: false, attempt: 1 }))
      expect(runLauncher(['killed', '-', 'false', '1', '--output-prefix', pathToFileURL(folder).href]).code).toBe(137)
      expect(runLauncher(['killed', join(folder, 'error.json'), 'false', '2', '--output-prefix', 'gs://bucket/weir/p/r/t']).code).toBe(137)
      expect(runLauncher(['killed', join(dirname(folder), 'x.json'), 'false', '2']).code).toBe(137)
    })
  })

  test('says how to fix a missing Node', () => {
    const r = spawnSync(python, [launcher, script, 'exit', '0'], { env: { PATH: '/nonexistent', WEIR_NODE: '' }, encoding: 'utf8' })
    expect(r.status).toBe(2)
    expect(r.stderr).toContain('Node.js not found')
  })
})
