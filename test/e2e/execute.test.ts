/**
 * `weir execute` end to end (the built CLI): one task per process, inputs from upstream documents,
 * an explicit --inputs or output prefix, values.json / outputs.json / error.json, exit codes, and a
 * retry that finds a non-recoverable error.json failing at once. Each test gets its own folder as
 * working directory (the spec and its handlers stay in test/fixtures/targets).
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { spawn, spawnSync } from 'node:child_process'
import { once } from 'node:events'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'

const BIN = resolve('bin/weir.js')
const SPEC = resolve('test/fixtures/targets/execute_cases.yaml')
let root: string
let cwd: string
let n = 0

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'weir-execute-'))
})
afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true })
})

async function freshDir(): Promise<string> {
  cwd = await mkdtemp(join(root, `case-${++n}-`))
  return cwd
}

function execute(args: string[]) {
  const r = spawnSync(process.execPath, [BIN, 'execute', '--spec', SPEC, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 60_000 })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

const json = async (path: string): Promise<Record<string, unknown>> => JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>
const taskDir = (run: string, task: string) => join(cwd, '.weir', 'data', 'execute_cases', run, task)

describe('weir execute', () => {
  test('runs one task, then a downstream task that finds its inputs from the run id alone', async () => {
    await freshDir()
    expect(execute(['--task', 'make', '--run-id', 'r1'])).toMatchObject({ code: 0 })
    expect(await json(join(taskDir('r1', 'make'), 'values.json'))).toEqual({ count: 2 })
    expect(await json(join(taskDir('r1', 'make'), 'outputs.json'))).toMatchObject({ attempt: 1, values: { count: 2 }, output: { format: 'json', io: 'fs' } })
    const use = execute(['--task', 'use', '--run-id', 'r1', '--param', 'n=5'])
    expect(use.code, use.stderr).toBe(0)
    expect(await json(join(taskDir('r1', 'use'), 'output.json'))).toEqual({ rows: 2, count: 2, n: 5 })
  })

  test('with --output-prefix, upstream outputs are found beside it, and an empty --param counts as not given', async () => {
    await freshDir()
    const store = join(cwd, 'store', 'r2')
    expect(execute(['--task', 'make', '--run-id', 'r2', '--output-prefix', pathToFileURL(join(store, 'make')).href]).code).toBe(0)
    const use = execute(['--task', 'use', '--run-id', 'r2', '--output-prefix', join('store', 'r2', 'use'), '--param', 'n='])
    expect(use.code, use.stderr).toBe(0)
    expect(await json(join(store, 'use', 'output.json'))).toEqual({ rows: 2, count: 2, n: 2 })
  })

  test('--inputs names the upstream outputs and values explicitly', async () => {
    await freshDir()
    await writeFile(join(cwd, 'rows.json'), JSON.stringify([7, 8, 9]))
    const inputs = { outputs: { make: { uri: pathToFileURL(join(cwd, 'rows.json')).href, format: 'json', io: 'fs' } }, values: { make: { count: 3 } } }
    await writeFile(join(cwd, 'inputs.json'), JSON.stringify(inputs))
    const r = execute(['--task', 'use', '--run-id', 'r3', '--inputs', 'inputs.json', '--output-prefix', 'out'])
    expect(r.code, r.stderr).toBe(0)
    expect(await json(join(cwd, 'out', 'output.json'))).toEqual({ rows: 3, count: 3, n: 2 })
  })

  test('a handler error exits 1 with error.json; the next try counts as attempt 2', async () => {
    await freshDir()
    const first = execute(['--task', 'boom', '--run-id', 'r4'])
    expect(first.code).toBe(1)
    expect(first.stderr).toContain('boom')
    const error = await json(join(taskDir('r4', 'boom'), 'error.json'))
    expect(error).toMatchObject({ code: 'HANDLER_ERROR', message: 'boom', origin: 'user', recoverable: true, attempt: 1, task: 'boom', runId: 'r4' })
    expect(error.stack).toEqual(expect.stringContaining('boom'))
    expect(Date.parse(String(error.timestamp))).not.toBeNaN()
    expect(execute(['--task', 'boom', '--run-id', 'r4']).code).toBe(1)
    expect(await json(join(taskDir('r4', 'boom'), 'error.json'))).toMatchObject({ attempt: 2 })
  })

  test('a non-recoverable error exits 3, and a retry that finds it fails at once without running', async () => {
    await freshDir()
    expect(execute(['--task', 'fatal', '--run-id', 'r5']).code).toBe(3)
    const error = await json(join(taskDir('r5', 'fatal'), 'error.json'))
    expect(error).toMatchObject({ recoverable: false, attempt: 1 })
    const retry = execute(['--task', 'fatal', '--run-id', 'r5', '--attempt', '2'])
    expect(retry.code).toBe(3)
    expect(retry.stderr).toContain('not trying again')
    expect(await json(join(taskDir('r5', 'fatal'), 'error.json'))).toEqual(error)
  })

  test('a timeout that the retry policy does not retry is non-recoverable (exit 3)', async () => {
    await freshDir()
    expect(execute(['--task', 'quick_timeout', '--run-id', 'r6']).code).toBe(3)
    expect(await json(join(taskDir('r6', 'quick_timeout'), 'error.json'))).toMatchObject({ code: 'TASK_TIMEOUT', timedOut: true, recoverable: false })
  })

  test("a timeout's message gives the duration as weir run does (issue 14: one timeout for both)", async () => {
    await freshDir()
    expect(execute(['--task', 'quick_timeout', '--run-id', 'r9']).code).toBe(3)
    const error = await json(join(taskDir('r9', 'quick_timeout'), 'error.json'))
    expect(error.message).toBe("Attempt 1 of task 'quick_timeout' timed out after 300ms; raise tasks.quick_timeout.timeout or make the handler faster.")
  })

  test('SIGTERM cancels the handler, writes error.json and exits 143', async () => {
    await freshDir()
    const child = spawn(process.execPath, [BIN, 'execute', '--spec', SPEC, '--task', 'slow', '--run-id', 'r7'], { cwd, stdio: ['ignore', 'pipe', 'pipe'] })
    let err = ''
    await new Promise<void>((ready) =>
      child.stderr.on('data', (d: Buffer) => {
        err += d.toString()
        if (err.includes('slow: ready')) ready()
      }),
    )
    child.kill('SIGTERM')
    const [code] = (await once(child, 'exit')) as [number | null]
    expect(code).toBe(143)
    expect(await json(join(taskDir('r7', 'slow'), 'error.json'))).toMatchObject({ code: 'CANCELLED', recoverable: true, origin: 'system' })
  })

  test('usage errors exit 2 and say what to fix', async () => {
    await freshDir()
    expect(execute(['--run-id', 'r8'])).toMatchObject({ code: 2, stderr: expect.stringContaining('--task is required') })
    expect(execute(['--task', 'nope', '--run-id', 'r8'])).toMatchObject({ code: 2, stderr: expect.stringContaining("has no task 'nope'") })
    expect(execute(['--task', 'use', '--run-id', 'r8', '--param', 'n=x'])).toMatchObject({ code: 2, stderr: expect.stringContaining("Param 'n' must be an integer") })
  })

  test('--item-index runs one item of a mapped task: the list from the upstream output or a param, the output under items/N (issue 11)', async () => {
    await freshDir()
    const mapped = resolve('test/fixtures/targets/mapped/mapped_execute.yaml')
    const run = (...args: string[]) => spawnSync(process.execPath, [BIN, 'execute', '--spec', mapped, '--run-id', 'r9', ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 60_000 })
    const dir = (task: string) => join(cwd, '.weir', 'data', 'mapped_execute', 'r9', task)
    expect(run('--task', 'make')).toMatchObject({ status: 0 })
    expect(run('--task', 'per_row', '--item-index', '1')).toMatchObject({ status: 0 })
    const outputs = await json(join(dir('per_row'), 'items', '1', 'outputs.json'))
    const stored = JSON.parse(await readFile(new URL((outputs.output as { uri: string }).uri), 'utf8'))
    expect(stored).toEqual({ rows: 2, count: 2, n: 2 }) // item 1 of make's [1, 2] is 2
    expect(run('--task', 'per_day', '--item-index', '2')).toMatchObject({ status: 0 })
    const day = await json(join(dir('per_day'), 'items', '2', 'outputs.json'))
    expect(JSON.parse(await readFile(new URL((day.output as { uri: string }).uri), 'utf8'))).toEqual({ rows: 0, count: 2, n: 30 })
    // Past the end: the attempt fails with a non-recoverable error.json in that item's place.
    expect(run('--task', 'per_day', '--item-index', '3')).toMatchObject({ status: 3, stderr: expect.stringContaining('has 3 items in this run, so --item-index 3 names none') })
    expect(await json(join(dir('per_day'), 'items', '3', 'error.json'))).toMatchObject({ code: 'MAP_ITEMS_INVALID', recoverable: false })
  })

  test('usage of --item-index: required for a mapped task, refused elsewhere, a whole number; fan-in is refused (exit 2)', async () => {
    await freshDir()
    const mapped = resolve('test/fixtures/targets/mapped/mapped_execute.yaml')
    const run = (...args: string[]) => spawnSync(process.execPath, [BIN, 'execute', '--spec', mapped, '--run-id', 'r9', ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 60_000 })
    expect(run('--task', 'per_day')).toMatchObject({ status: 2, stderr: expect.stringContaining('pass --item-index N') })
    expect(run('--task', 'make', '--item-index', '0')).toMatchObject({ status: 2, stderr: expect.stringContaining('takes no --item-index') })
    expect(run('--task', 'per_day', '--item-index=-1')).toMatchObject({ status: 2, stderr: expect.stringContaining('--item-index must be a whole number from 0') })
    expect(run('--task', 'fan_in')).toMatchObject({ status: 2, stderr: expect.stringContaining("reads mapped task 'per_row'") })
  })
})
