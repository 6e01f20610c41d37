/**
 * `weir run --executor subprocess` (the built CLI): every attempt is its own rendered `weir execute`
 * process, and a run ends with the same statuses, attempts and skip behaviour as in process — for
 * every example pipeline and for a fixture with every status.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { spawn, spawnSync } from 'node:child_process'
import { once } from 'node:events'
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const BIN = resolve('bin/weir.js')
let root: string

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'weir-subprocess-'))
})
afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true })
})

interface RunJson {
  runId: string
  status: string
  tasks: Record<string, { status: string; attempts: number; output?: string; error?: { code: string; origin: string; recoverable: boolean } }>
}

async function run(spec: string, executor: string): Promise<{ code: number | null; result: RunJson; stderr: string }> {
  const stateDir = await mkdtemp(join(root, `${executor}-`))
  const r = spawnSync(process.execPath, [BIN, 'run', spec, '--executor', executor, '--json', '--state-dir', stateDir], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', CI: '1' }, timeout: 120_000 })
  let result: RunJson
  try {
    result = JSON.parse(r.stdout) as RunJson
  } catch {
    throw new Error(`weir run --executor ${executor} printed no JSON (exit ${r.status}):\n${r.stderr}`)
  }
  return { code: r.status, result, stderr: r.stderr }
}

/** What must agree between executors: status, attempts, error code and kind per task. */
function shape(result: RunJson) {
  return {
    status: result.status,
    tasks: Object.fromEntries(Object.entries(result.tasks).map(([id, t]) => [id, { status: t.status, attempts: t.attempts, error: t.error && { code: t.error.code, origin: t.error.origin, recoverable: t.error.recoverable }, hasOutput: t.output !== undefined }])),
  }
}

const examples = (await readdir(resolve('pipelines'))).filter((f) => /\.ya?ml$/.test(f)).map((f) => resolve('pipelines', f))
const specs = [...examples, resolve('test/fixtures/targets/statuses.yaml')]

describe.each(specs.map((spec) => ({ spec, name: spec.split('/').slice(-2).join('/') })))('$name', ({ spec }) => {
  test('ends the same with --executor subprocess as in process', async () => {
    const [inprocess, subprocess] = await Promise.all([run(spec, 'inprocess'), run(spec, 'subprocess')])
    expect(subprocess.code, subprocess.stderr).toBe(inprocess.code)
    expect(shape(subprocess.result)).toEqual(shape(inprocess.result))
    for (const [id, task] of Object.entries(subprocess.result.tasks)) {
      if (!task.output || !inprocess.result.tasks[id]?.output) continue
      // Outputs may mention their run id; everything else must be identical.
      const read = async (uri: string, runId: string) => (await readFile(fileURLToPath(uri))).toString('latin1').replaceAll(runId, 'RUN')
      expect(await read(task.output, subprocess.result.runId), `output of ${id}`).toEqual(await read(inprocess.result.tasks[id]!.output!, inprocess.result.runId))
    }
  })
})

test('the statuses fixture covers failed, skipped, excluded and non-recoverable tasks', async () => {
  const { result } = await run(resolve('test/fixtures/targets/statuses.yaml'), 'subprocess')
  expect(Object.fromEntries(Object.entries(result.tasks).map(([id, t]) => [id, `${t.status}/${t.attempts}`]))).toEqual({
    good: 'succeeded/1',
    bad: 'failed/2',
    after_bad: 'skipped/0',
    on_failure: 'succeeded/1',
    quiet_handler: 'skipped/0',
    after_quiet: 'succeeded/1',
    fatal_task: 'failed/1',
  })
})

test('a command template with engine placeholders runs locally with local values for them', async () => {
  const { code, result, stderr } = await run(resolve('test/fixtures/targets/engine_command.yaml'), 'subprocess')
  expect(code, stderr).toBe(0)
  const use = result.tasks.use!
  expect(use.status).toBe('succeeded')
  expect(JSON.parse(await readFile(fileURLToPath(use.output!), 'utf8'))).toEqual({ rows: 2, count: 2, n: 3 })
})

test('cancelling the run sends SIGTERM to the running weir execute, which records CANCELLED', async () => {
  const stateDir = await mkdtemp(join(root, 'cancel-'))
  const child = spawn(process.execPath, [BIN, 'run', resolve('test/fixtures/targets/slow.yaml'), '--executor', 'subprocess', '--state-dir', stateDir], { env: { ...process.env, NO_COLOR: '1', CI: '1' }, stdio: ['ignore', 'pipe', 'pipe'] })
  const exited = once(child, 'exit') as Promise<[number | null]>
  let out = ''
  child.stdout.on('data', (d: Buffer) => (out += d.toString()))
  // Wait until the handler runs in its own process: it says so in the task log.
  const runId = await new Promise<string>((ready) => {
    const poll = async (): Promise<void> => {
      const id = /run (\S+) of slow/.exec(out)?.[1]
      const log = id ? await readFile(join(stateDir, 'runs', id, 'logs', 'wait.log'), 'utf8').catch(() => '') : ''
      if (id && log.includes('slow: ready')) ready(id)
      else setTimeout(() => void poll(), 50)
    }
    void poll()
  })
  child.kill('SIGINT')
  const [code] = await exited
  expect(code).toBe(130)
  expect(out).toContain('wait cancelled')
  const error = JSON.parse(await readFile(join(stateDir, 'data', 'slow', runId, 'wait', 'error.json'), 'utf8')) as Record<string, unknown>
  expect(error).toMatchObject({ code: 'CANCELLED', attempt: 1 })
})
