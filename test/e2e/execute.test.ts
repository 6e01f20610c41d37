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
import { existsSync } from 'node:fs'

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

  test('a signal while the output is being written is a cancel too: error.json CANCELLED, exit 143 / 130, not a storage failure (exit 4)', async () => {
    for (const [signal, exit, run] of [['SIGTERM', 143, 'r7t'], ['SIGINT', 130, 'r7i']] as const) {
      await freshDir()
      const child = spawn(process.execPath, [BIN, 'execute', '--spec', SPEC, '--task', 'streaming', '--run-id', run], { cwd, stdio: ['ignore', 'pipe', 'pipe'] })
      let err = ''
      await new Promise<void>((ready) =>
        child.stderr.on('data', (d: Buffer) => {
          err += d.toString()
          if (err.includes('streaming: storing')) ready()
        }),
      )
      child.kill(signal)
      const [code] = (await once(child, 'exit')) as [number | null]
      expect(code, err).toBe(exit)
      expect(await json(join(taskDir(run, 'streaming'), 'error.json'))).toMatchObject({ code: 'CANCELLED', recoverable: true, origin: 'system' })
      expect(existsSync(join(taskDir(run, 'streaming'), 'outputs.json'))).toBe(false)
    }
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

  test('usage of --item-index and --list-items: one of them for a mapped task, neither elsewhere, whole numbers (exit 2)', async () => {
    await freshDir()
    const mapped = resolve('test/fixtures/targets/mapped/mapped_execute.yaml')
    const run = (...args: string[]) => spawnSync(process.execPath, [BIN, 'execute', '--spec', mapped, '--run-id', 'r9', ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 60_000 })
    expect(run('--task', 'per_day')).toMatchObject({ status: 2, stderr: expect.stringContaining('pass --item-index N') })
    expect(run('--task', 'make', '--item-index', '0')).toMatchObject({ status: 2, stderr: expect.stringContaining('takes no --item-index') })
    expect(run('--task', 'make', '--list-items')).toMatchObject({ status: 2, stderr: expect.stringContaining('takes no --list-items') })
    expect(run('--task', 'per_day', '--item-index=-2')).toMatchObject({ status: 2, stderr: expect.stringContaining('--item-index must be a whole number from 0') })
    expect(run('--task', 'per_day', '--list-items', '--item-index', '0')).toMatchObject({ status: 2, stderr: expect.stringContaining('pass one of them') })
    expect(run('--task', 'per_day', '--max-items', '3')).toMatchObject({ status: 2, stderr: expect.stringContaining('--max-items goes with --list-items') })
    expect(run('--task', 'per_day', '--list-items', '--max-items', '0')).toMatchObject({ status: 2, stderr: expect.stringContaining('--max-items must be a whole number from 1') })
    // -1 reports a failed list; without one it fails the attempt rather than running anything.
    expect(run('--task', 'per_day', '--item-index=-1')).toMatchObject({ status: 3, stderr: expect.stringContaining('has no failed list') })
  })

  test('the engines\' protocol end to end: --list-items, every item, map → map, fan-in of outputs and values with a failed item (issue 11)', async () => {
    await freshDir()
    const mapped = resolve('test/fixtures/targets/mapped/mapped_execute.yaml')
    const values = join(cwd, 'values')
    const run = (...args: string[]) =>
      spawnSync(process.execPath, [BIN, 'execute', '--spec', mapped, '--run-id', 'm1', '--param', 'bad=20', ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', WEIR_TASK_VALUE_DIR: values }, timeout: 60_000 })
    const dir = (task: string) => join(cwd, '.weir', 'data', 'mapped_execute', 'm1', task)
    const stored = async (doc: Record<string, unknown>) => JSON.parse(await readFile(new URL((doc.output as { uri: string }).uri), 'utf8')) as unknown
    const indexes = async () => JSON.parse(await readFile(join(values, 'indexes.json'), 'utf8')) as number[]

    expect(run('--task', 'make')).toMatchObject({ status: 0 })
    // The list step keeps the list under the task's prefix and hands the engine indexes only.
    expect(run('--task', 'per_row', '--list-items')).toMatchObject({ status: 0 })
    expect(await indexes()).toEqual([0, 1])
    expect(await json(join(dir('per_row'), 'items.json'))).toEqual({ count: 2, items: [1, 2] })
    for (const i of await indexes()) expect(run('--task', 'per_row', '--item-index', String(i))).toMatchObject({ status: 0 })

    // Map → map: the list step keeps only the count; item i reads item i of per_row by its URI.
    expect(run('--task', 'along', '--list-items')).toMatchObject({ status: 0 })
    expect(await json(join(dir('along'), 'items.json'))).toEqual({ count: 2 })
    expect(run('--task', 'along', '--item-index', '1')).toMatchObject({ status: 0 })
    expect(await stored(await json(join(dir('along'), 'items', '1', 'outputs.json')))).toEqual({ row: { rows: 2, count: 2, n: 2 }, at: 1 })

    // A map with one failing item: the others still succeed, each with its own documents.
    expect(run('--task', 'doubled', '--list-items')).toMatchObject({ status: 0 })
    expect(await indexes()).toEqual([0, 1, 2])
    expect(run('--task', 'doubled', '--item-index', '0')).toMatchObject({ status: 0 })
    expect(run('--task', 'doubled', '--item-index', '1')).toMatchObject({ status: 1, stderr: expect.stringContaining('item 20 is bad') })
    expect(run('--task', 'doubled', '--item-index', '2')).toMatchObject({ status: 0 })

    // Fan-in: lists in item order, read from each item's outputs.json; the failed item is null in its place.
    expect(run('--task', 'fan_in')).toMatchObject({ status: 0 })
    expect(await stored(await json(join(dir('fan_in'), 'outputs.json')))).toEqual({
      rows: [{ rows: 2, count: 2, n: 1 }, { rows: 2, count: 2, n: 2 }],
      doubled: [20, null, 60],
      seen: [10, null, 30],
    })
  })

  test('--inputs carries item outputs for a fan-in (itemOutputs, null for an item without one), as the subprocess executor writes them (issue 11)', async () => {
    await freshDir()
    const mapped = resolve('test/fixtures/targets/mapped/mapped_execute.yaml')
    const run = (...args: string[]) => spawnSync(process.execPath, [BIN, 'execute', '--spec', mapped, '--run-id', 'm3', '--param', 'bad=20', ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 60_000 })
    const dir = (task: string) => join(cwd, '.weir', 'data', 'mapped_execute', 'm3', task)
    expect(run('--task', 'doubled', '--list-items')).toMatchObject({ status: 0 })
    for (const i of [0, 2]) expect(run('--task', 'doubled', `--item-index=${i}`)).toMatchObject({ status: 0 })
    const item = async (i: number) => (await json(join(dir('doubled'), 'items', String(i), 'outputs.json'))).output
    const inputs = join(cwd, 'inputs.json')
    await writeFile(inputs, JSON.stringify({ outputs: {}, values: { doubled: { seen: [10, null, 30] } }, itemOutputs: { doubled: [await item(0), null, await item(2)] } }))
    const prefix = join(cwd, 'elsewhere', 'fan_in')
    expect(run('--task', 'fan_in', '--inputs', inputs, '--output-prefix', prefix)).toMatchObject({ status: 0 })
    const outputs = await json(join(prefix, 'outputs.json'))
    expect(JSON.parse(await readFile(new URL((outputs.output as { uri: string }).uri), 'utf8'))).toEqual({ doubled: [20, null, 60], seen: [10, null, 30] })
  })

  test('a list the engine cannot carry fails the map as itself: [-1] as the index list, and item -1 fails with the list error (issue 11)', async () => {
    await freshDir()
    const mapped = resolve('test/fixtures/targets/mapped/mapped_execute.yaml')
    const values = join(cwd, 'values')
    const run = (...args: string[]) =>
      spawnSync(process.execPath, [BIN, 'execute', '--spec', mapped, '--run-id', 'm2', ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', WEIR_TASK_VALUE_DIR: values }, timeout: 60_000 })
    const dir = join(cwd, '.weir', 'data', 'mapped_execute', 'm2', 'per_day')
    expect(run('--task', 'per_day', '--list-items', '--max-items', '2')).toMatchObject({ status: 0, stderr: expect.stringContaining('the map will fail') })
    expect(JSON.parse(await readFile(join(values, 'indexes.json'), 'utf8'))).toEqual([-1])
    expect(await json(join(dir, 'items.json'))).toMatchObject({ error: { code: 'MAP_ITEMS_INVALID', message: expect.stringContaining('at most 2') } })
    expect(run('--task', 'per_day', '--item-index=-1')).toMatchObject({ status: 3, stderr: expect.stringContaining('at most 2') })
    expect(await json(join(dir, 'items', '-1', 'error.json'))).toMatchObject({ code: 'MAP_ITEMS_INVALID', recoverable: false })
    // Every other item fails the same way: the list this run stored is the one that counts.
    expect(run('--task', 'per_day', '--item-index', '0')).toMatchObject({ status: 3 })
  })
})

describe('an upstream output the task reads is missing (probe finding: it ran with undefined inputs and exited 0)', () => {
  const spec = [
    'apiVersion: weir/v1', 'kind: Pipeline', 'name: miss', 'tasks:',
    '  rows: { handler: ./h.js#src }',
    '  count: { handler: ./h.js#count, inputs: { rows: "${{ tasks.rows.output }}" } }',
    '  count_any: { handler: ./h.js#count, trigger: all_done, inputs: { rows: "${{ tasks.rows.output }}" } }',
    '  after: { handler: ./h.js#count, needs: [rows] }',
    '  alert: { handler: ./h.js#src, needs: [rows], trigger: one_failed }',
    '  after_alert: { handler: ./h.js#count, inputs: { rows: "${{ tasks.alert.output }}" } }',
    '  per_row: { handler: ./h.js#count, foreach: "${{ tasks.rows.output }}" }',
    '',
  ].join('\n')
  const handlers = 'export const src = async () => [1, 2, 3]\nexport const count = async ({ rows }) => ({ count: (rows ?? []).length })\n'
  const run = (...args: string[]) => spawnSync(process.execPath, [BIN, 'execute', '--spec', join(cwd, 'miss.yaml'), '--run-id', 'm1', ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 60_000 })
  const dir = (task: string) => join(cwd, '.weir', 'data', 'miss', 'm1', task)
  const setUp = async () => {
    await freshDir()
    await writeFile(join(cwd, 'package.json'), '{ "type": "module" }\n')
    await writeFile(join(cwd, 'h.js'), handlers)
    await writeFile(join(cwd, 'miss.yaml'), spec)
  }

  test('under all_success it is OUTPUT_NOT_FOUND, exit 4 (retried), without running the handler; the retry after the upstream landed succeeds', async () => {
    await setUp()
    const r = run('--task', 'count')
    expect(r.status, r.stderr).toBe(4)
    expect(r.stderr).toContain("No outputs.json of upstream task 'rows'")
    expect(await json(join(dir('count'), 'error.json'))).toMatchObject({ code: 'OUTPUT_NOT_FOUND', origin: 'system', recoverable: true, attempt: 1 })
    expect(existsSync(join(dir('count'), 'outputs.json'))).toBe(false)
    // The list step of a mapped task reads its upstream too: the same verdict, nothing listed.
    expect(run('--task', 'per_row', '--list-items')).toMatchObject({ status: 4, stderr: expect.stringContaining('OUTPUT_NOT_FOUND') })
    expect(existsSync(join(dir('per_row'), 'items.json'))).toBe(false)

    expect(run('--task', 'rows').status).toBe(0)
    expect(run('--task', 'count')).toMatchObject({ status: 0 })
    expect(await json(join(dir('count'), 'outputs.json'))).toMatchObject({ attempt: 2 })
    expect(await json(join(dir('count'), 'output.json'))).toEqual({ count: 3 })
  })

  test('a trigger that runs the task after a failed or skipped upstream, an excluded failure handler, or a needs-only upstream: undefined, with a warning', async () => {
    await setUp()
    for (const task of ['count_any', 'after_alert', 'after']) {
      const r = run('--task', task)
      expect(r.status, `${task}: ${r.stderr}`).toBe(0)
      expect(await json(join(dir(task), 'output.json'))).toEqual({ count: 0 })
    }
    expect(run('--task', 'count_any').stderr).toContain("its inputs are undefined")
  })
})

describe('--output-prefix of another kind than the task\'s IoManager: a usage error before anything runs or is written', () => {
  test('a gs:// prefix for a task that writes to local files', async () => {
    await freshDir()
    const r = execute(['--task', 'make', '--run-id', 'p1', '--output-prefix', 'gs://lake/weir/x'])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain("--output-prefix 'gs://lake/weir/x' is a gs: URI, but task 'make' writes through IoManager 'default' (type 'fs'), whose objects are file:// URIs")
    expect(existsSync(join(cwd, '.weir'))).toBe(false)
  })

  test('a local path for a task that writes through gcs (it ran the handler, then left error.json in a local folder of that name)', async () => {
    await freshDir()
    const spec = join(cwd, 'g.yaml')
    await writeFile(join(cwd, 'package.json'), '{ "type": "module" }\n')
    await writeFile(join(cwd, 'h.js'), 'export const make = () => { throw new Error("must not run") }\n')
    await writeFile(spec, 'apiVersion: weir/v1\nkind: Pipeline\nname: g\nio:\n  default: { type: gcs, bucket: lake-bucket, endpoint: "http://127.0.0.1:9" }\ntasks:\n  make:\n    handler: ./h.js#make\n')
    const r = spawnSync(process.execPath, [BIN, 'execute', '--spec', spec, '--task', 'make', '--run-id', 'p2', '--output-prefix', 'some/prefix'], { cwd, encoding: 'utf8', timeout: 60_000 })
    expect(r.status).toBe(2)
    expect(r.stderr).toContain("--output-prefix 'some/prefix' is a local path, but task 'make' writes through IoManager 'default' (type 'gcs'), whose objects are gs:// URIs; give one (its default here is gs://lake-bucket/g/p2/make)")
    expect(existsSync(join(cwd, 'some'))).toBe(false)
  })
})
