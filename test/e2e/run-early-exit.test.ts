/**
 * A handler that ends the process (`process.exit(0)` in a library, a floating rejection) while
 * `weir run` runs it in process: the run is left unfinished (interrupted in the run store), so weir
 * must not exit 0 as if it had succeeded, and must say what happened and how to resume. Nor may a
 * handler's `process.exit(code)` pass off its code as weir's verdict (2 usage, 3 no retry, 130/143
 * cancelled): `weir run` and `weir execute` exit 1, and in `weir execute` the attempt fails with
 * HANDLER_EXIT in error.json and is retried as the task's policy says.
 */
import { afterAll, beforeAll, expect, test } from 'vitest'
import { spawnSync } from 'node:child_process'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

const BIN = resolve('bin/weir.js')
let project: string

function weir(args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: project, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', CI: '1' }, timeout: 60_000 })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

const spec = (name: string, handler: string) => `apiVersion: weir/v1
kind: Pipeline
name: ${name}
tasks:
  first: { handler: ../handlers/h.js#${handler} }
  second: { handler: ../handlers/h.js#ok, needs: [first] }
`

beforeAll(async () => {
  project = await mkdtemp(join(tmpdir(), 'weir-e2e-early-exit-'))
  await mkdir(join(project, 'pipelines'))
  await mkdir(join(project, 'handlers'))
  await writeFile(join(project, 'package.json'), '{"type":"module"}')
  await writeFile(
    join(project, 'handlers', 'h.js'),
    `export const quit = () => process.exit(0)
export const float = async () => { Promise.reject(new Error('nobody caught this')); await new Promise((r) => setTimeout(r, 200)) }
export const ok = () => 1
export const exit3 = (_i, ctx) => { ctx.log.info('giving up'); process.exit(3) }
export const exitWith = (i) => process.exit(i.code)
// Times out, ignores its signal, and ends the process after weir execute has its verdict.
export const lateExit = async () => { setTimeout(() => process.exit(3), 1500); await new Promise(() => {}) }
`,
  )
  await writeFile(join(project, 'pipelines', 'quit.yaml'), spec('quit', 'quit'))
  await writeFile(join(project, 'pipelines', 'float.yaml'), spec('float', 'float'))
  await writeFile(join(project, 'pipelines', 'exit3.yaml'), spec('exit3', 'exit3'))
  await writeFile(
    join(project, 'pipelines', 'codes.yaml'),
    `apiVersion: weir/v1\nkind: Pipeline\nname: codes\nparams:\n  code: { type: integer, default: 3 }\ntasks:\n  t:\n    handler: ../handlers/h.js#exitWith\n    inputs: { code: "\${{ params.code }}" }\n    retries: { max: 2, delay: 10ms }\n  after: { handler: ../handlers/h.js#ok, needs: [t] }\n`,
  )
  await writeFile(join(project, 'pipelines', 'late-exit.yaml'), 'apiVersion: weir/v1\nkind: Pipeline\nname: late_exit\ntasks:\n  late: { handler: ../handlers/h.js#lateExit, timeout: 1s }\n')
  await writeFile(
    join(project, 'pipelines', 'late.yaml'),
    'apiVersion: weir/v1\nkind: Pipeline\nname: late\ntasks:\n  first: { handler: ../handlers/h.js#ok }\n  t: { handler: ../handlers/h.js#exit3, needs: [first] }\n',
  )
})
afterAll(async () => {
  await rm(project, { recursive: true, force: true })
})

test.each([
  ['process.exit(0) in a handler', 'quit', []],
  ['process.exit(0) in a handler, with --json', 'quit', ['--json']],
  ['process.exit(3) in a handler (3 is no exit code of weir run)', 'exit3', []],
  ['a rejection nobody handles', 'float', []],
])('%s: exit 1, the run named as unfinished with the command to resume it', (_what, name, extra) => {
  const r = weir(['run', `pipelines/${name}.yaml`, ...extra])
  expect(r.code).toBe(1)
  const [listed] = JSON.parse(weir(['runs', '--json', '--pipeline', name]).stdout) as { runId: string; status: string }[]
  expect(listed!.status).toBe('interrupted')
  expect(r.stderr).toContain(`weir: run: the process is exiting before run ${listed!.runId} finished`)
  expect(r.stderr).toContain(`weir run pipelines/${name}.yaml --resume ${listed!.runId}`)
})

test('a rejection nobody handles is said in one line naming it, not with a stack trace, in weir run and in weir execute', () => {
  for (const args of [['run', 'pipelines/float.yaml'], ['execute', '--spec', 'pipelines/float.yaml', '--task', 'first', '--run-id', 'f1']]) {
    const r = weir(args)
    expect(r.code).toBe(1)
    expect(r.stderr).toContain('weir: a promise was rejected and nothing handled it (Error: nobody caught this); a handler probably started work without awaiting it.\n')
    expect(r.stderr).not.toMatch(/^\s+at /m)
  }
})

test("a rejection nobody handles fails the subprocess attempt as the handler's (HANDLER_EXIT, user, retried), with error.json, not as a crash of weir", async () => {
  const r = weir(['execute', '--spec', 'pipelines/float.yaml', '--task', 'first', '--run-id', 'rej-1'])
  expect(r.code).toBe(1)
  const error = JSON.parse(await readFile(join(project, '.weir', 'data', 'float', 'rej-1', 'first', 'error.json'), 'utf8')) as Record<string, unknown>
  expect(error).toMatchObject({ code: 'HANDLER_EXIT', origin: 'user', recoverable: true })
  expect(error.message).toContain('A promise was rejected and nothing handled it (Error: nobody caught this)')
  const run = weir(['run', 'pipelines/float.yaml', '--executor', 'subprocess', '--json'])
  const result = JSON.parse(run.stdout) as { tasks: Record<string, { status: string; error?: { code: string; origin: string } }> }
  expect(result.tasks.first).toMatchObject({ status: 'failed', error: { code: 'HANDLER_EXIT', origin: 'user' } })
})

test('weir execute: a handler calling process.exit(0) exits 1, so an engine never counts the task as succeeded', () => {
  const r = weir(['execute', '--spec', 'pipelines/quit.yaml', '--task', 'first', '--run-id', 'r1'])
  expect(r.code).toBe(1)
  expect(r.stderr).toContain("weir: execute: task 'first': the process is exiting before the attempt finished (a handler called process.exit(0)); exiting 1, the attempt failed\n")
})

test.each([2, 3, 4, 130, 143])('weir execute: a handler calling process.exit(%i) exits 1 (a failed attempt, retried by every engine) and leaves error.json', async (code) => {
  const runId = `code-${code}`
  const r = weir(['execute', '--spec', 'pipelines/codes.yaml', '--task', 't', '--run-id', runId, '--param', `code=${code}`])
  expect(r.code).toBe(1)
  expect(r.stderr).toContain(`(a handler called process.exit(${code})); exiting 1, the attempt failed`)
  const error = JSON.parse(await readFile(join(project, '.weir', 'data', 'codes', runId, 't', 'error.json'), 'utf8')) as Record<string, unknown>
  expect(error).toMatchObject({ code: 'HANDLER_EXIT', origin: 'user', recoverable: true, attempt: 1, task: 't', runId })
  expect(error.message).toContain(`A handler called process.exit(${code}) before attempt 1 of task 't' finished`)
})

test('weir execute: a handler that ends the process after the attempt timed out does not change the exit code', () => {
  const r = weir(['execute', '--spec', 'pipelines/late-exit.yaml', '--task', 'late', '--run-id', 'late-1'])
  // A timeout that may be retried is exit 1; the handler's process.exit(3) came after that verdict.
  expect(r.stderr).toContain('TASK_TIMEOUT')
  expect(r.code).toBe(1)
})

test('weir run --executor subprocess: a handler calling process.exit(3) fails its attempt, which is retried as the task says', () => {
  const r = weir(['run', 'pipelines/codes.yaml', '--executor', 'subprocess', '--json'])
  expect(r.code).toBe(1)
  const result = JSON.parse(r.stdout) as { tasks: Record<string, { status: string; attempts: number; error?: { code: string; origin: string } }> }
  expect(result.tasks.t).toMatchObject({ status: 'failed', attempts: 3, error: { code: 'HANDLER_EXIT', origin: 'user' } })
  expect(result.tasks.after).toMatchObject({ status: 'skipped' })
})

test('weir run --executor subprocess: the task fails and the run says so (exit 1)', () => {
  const r = weir(['run', 'pipelines/quit.yaml', '--executor', 'subprocess', '--json'])
  expect(r.code).toBe(1)
  expect(JSON.parse(r.stdout)).toMatchObject({ status: 'failed', tasks: { first: { status: 'failed' }, second: { status: 'skipped' } } })
})

test('the run store keeps the start of the task whose handler ended the process (it shows as interrupted, not pending) and what it logged', async () => {
  const r = weir(['run', 'pipelines/late.yaml'])
  expect(r.stdout).toContain('▶ t started')
  const [listed] = JSON.parse(weir(['runs', '--json', '--pipeline', 'late']).stdout) as { runId: string }[]
  // The start was queued for the journal's next group commit, which a process that exits never makes.
  const shown = JSON.parse(weir(['runs', 'show', listed!.runId, '--json']).stdout) as { status: string; tasks: Record<string, { status: string; attempts: { attempt: number; status: string }[] }> }
  expect(shown.status).toBe('interrupted')
  expect(shown.tasks.first!.status).toBe('succeeded')
  expect(shown.tasks.t).toMatchObject({ status: 'interrupted', attempts: [{ attempt: 1, status: 'interrupted' }] })
  expect(await readFile(join(project, '.weir', 'runs', listed!.runId, 'logs', 't.log'), 'utf8')).toMatch(/\[attempt 1\] INFO  giving up\n$/)
})
