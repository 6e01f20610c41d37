/**
 * When an attempt of `weir execute` ends (the built CLI), alone and under `--executor subprocess`:
 * once its result is recorded, whatever the handler left running (a timer, a process that inherited
 * its stdio, a slow `exit` listener); and which result counts when a task runs again under the same
 * run id. Probe findings: a handler's leftover interval made an attempt that had written its output
 * TASK_TIMEOUT; a process it started held the attempt until it ended; a failed later attempt left
 * an earlier one's outputs.json, which downstream tasks read.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { spawn, spawnSync } from 'node:child_process'
import { once } from 'node:events'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

const BIN = resolve('bin/weir.js')
const ENV = { ...process.env, NO_COLOR: '1', CI: '1' }

const HANDLERS = `
import { spawn } from 'node:child_process'
import { appendFileSync, existsSync } from 'node:fs'
// A timer nobody clears: the event loop never drains.
export async function interval(_inputs, ctx) {
  setInterval(() => {}, 1000)
  await new Promise((r) => setTimeout(r, 50))
  return { ok: true, attempt: ctx.attempt }
}
// A process that inherited stdio holds the task process's stdout and stderr open after it exits.
export async function sleeper(inputs) {
  const child = spawn('sleep', ['30'], { stdio: 'inherit' })
  appendFileSync(inputs.pids, child.pid + '\\n')
  return { pid: child.pid }
}
// The same, and then the handler ends the process itself.
export async function sleeperThenExit(inputs) {
  const child = spawn('sleep', ['30'], { stdio: 'inherit' })
  appendFileSync(inputs.pids, child.pid + '\\n')
  console.log('started a sleeper')
  process.exit(0)
}
// The process takes 6 s to exit after its result is recorded.
export async function slowExit() {
  process.on('exit', () => { const end = Date.now() + 6000; while (Date.now() < end); })
  return 1
}
// Fails while the flag file exists.
export async function flagged(inputs, ctx) {
  if (existsSync(inputs.flag)) throw new Error('the flag is up')
  return { attempt: ctx.attempt }
}
export async function seen(inputs) {
  return { seen: inputs.upstream ?? null }
}
`

let root: string
let dir: string
const pidsFile = () => join(dir, 'pids')

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'weir-attempt-end-'))
  dir = root
  await writeFile(join(dir, 'package.json'), '{"type":"module"}')
  await writeFile(join(dir, 'h.mjs'), HANDLERS)
})
afterAll(async () => {
  // The sleepers the handlers started.
  const pids = (await readFile(pidsFile(), 'utf8').catch(() => '')).split('\n').filter(Boolean).map(Number)
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL')
    } catch {
      // gone already
    }
  }
  if (root) await rm(root, { recursive: true, force: true })
})

async function spec(name: string, tasks: string): Promise<string> {
  const file = join(dir, `${name}.yaml`)
  await writeFile(file, `apiVersion: weir/v1\nkind: Pipeline\nname: ${name}\nparams:\n  pids: { type: string, default: ${JSON.stringify(pidsFile())} }\n  flag: { type: string, default: ${JSON.stringify(join(dir, 'flag'))} }\ntasks:\n${tasks}`)
  return file
}

interface RunJson {
  status: string
  tasks: Record<string, { status: string; attempts: number; output?: string; error?: { code: string } }>
}

function runSubprocess(file: string, state: string): { code: number | null; result: RunJson; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, 'run', file, '--executor', 'subprocess', '--json', '--state-dir', join(dir, state)], { cwd: dir, encoding: 'utf8', env: ENV, timeout: 60_000 })
  try {
    return { code: r.status, result: JSON.parse(r.stdout) as RunJson, stderr: r.stderr }
  } catch {
    throw new Error(`weir run printed no JSON (exit ${r.status}):\n${r.stderr}`)
  }
}

const outputOf = async (uri: string): Promise<unknown> => JSON.parse(await readFile(new URL(uri), 'utf8'))

describe('an attempt ends when its result is recorded, whatever the handler left running', () => {
  test('a handler that leaves an interval: succeeded with --executor subprocess, as attempt 1, within its 2 s timeout', async () => {
    // weir execute waited 2 s for the event loop to drain after writing its outputs, and the timeout counted that.
    const file = await spec('interval', '  a: { handler: ./h.mjs#interval, timeout: 2s, retries: 1 }\n')
    const { code, result, stderr } = runSubprocess(file, 'state-interval')
    expect(code, stderr).toBe(0)
    expect(result.tasks.a).toMatchObject({ status: 'succeeded', attempts: 1 })
    expect(await outputOf(result.tasks.a!.output!)).toEqual({ ok: true, attempt: 1 })
  })

  test('weir execute alone exits with its verdict once the result is recorded: a SIGTERM after outputs.json is written does not make it a cancel', async () => {
    // It used to wait on, and a SIGTERM then (an engine's timeout) ended it with 143 and no error.json.
    const file = await spec('alone', '  a: { handler: ./h.mjs#interval }\n')
    const child = spawn(process.execPath, [BIN, 'execute', '--spec', file, '--task', 'a', '--run-id', 'r1'], { cwd: dir, env: ENV, stdio: ['ignore', 'ignore', 'pipe'] })
    let stderr = ''
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>
    const outputs = join(dir, '.weir', 'data', 'alone', 'r1', 'a', 'outputs.json')
    let gone = false
    void exited.then(() => (gone = true))
    while (!gone && !existsSync(outputs)) await new Promise((r) => setTimeout(r, 10))
    child.kill('SIGTERM')
    const [code, signal] = await exited
    expect({ code, signal }, stderr).toEqual({ code: 0, signal: null })
    expect(existsSync(join(dir, '.weir', 'data', 'alone', 'r1', 'a', 'error.json'))).toBe(false)
  })

  test('a process whose exit takes 6 s after its result is recorded: the attempt is decided by the result, not timed out at 4 s', async () => {
    const file = await spec('slow_exit', '  s: { handler: ./h.mjs#slowExit, timeout: 4s, retries: 0 }\n')
    const { code, result, stderr } = runSubprocess(file, 'state-slow-exit')
    expect(code, stderr).toBe(0)
    expect(result.tasks.s).toMatchObject({ status: 'succeeded', attempts: 1 })
  })

  test('a process the handler started with inherited stdio does not hold the attempt (it held it until it ended, past the timeout)', async () => {
    const file = await spec('sleeper', '  c: { handler: ./h.mjs#sleeper, inputs: { pids: "${{ params.pids }}" }, timeout: 10s, retries: 0 }\n')
    const { code, result, stderr } = runSubprocess(file, 'state-sleeper')
    expect(code, stderr).toBe(0)
    expect(result.tasks.c).toMatchObject({ status: 'succeeded', attempts: 1 })
  })

  test('… nor when the task process exits without saying its result is recorded (a handler ended it): its exit decides, with what it logged', async () => {
    const file = await spec('sleeper_exit', '  e: { handler: ./h.mjs#sleeperThenExit, inputs: { pids: "${{ params.pids }}" }, timeout: 10s, retries: 0 }\n')
    const state = 'state-sleeper-exit'
    const { code, result, stderr } = runSubprocess(file, state)
    expect(code, stderr).toBe(1)
    expect(result.tasks.e).toMatchObject({ status: 'failed', attempts: 1, error: { code: 'HANDLER_EXIT' } })
    const runs = JSON.parse(spawnSync(process.execPath, [BIN, 'runs', '--json', '--state-dir', join(dir, state)], { cwd: dir, encoding: 'utf8' }).stdout) as { runId: string }[]
    expect(await readFile(join(dir, state, 'runs', runs[0]!.runId, 'logs', 'e.log'), 'utf8')).toContain('INFO  started a sleeper')
  })
})

describe('a task run again under the same run id: only the last attempt counts', () => {
  const run = (file: string, ...args: string[]) => spawnSync(process.execPath, [BIN, 'execute', '--spec', file, '--run-id', 'again', ...args], { cwd: dir, encoding: 'utf8', env: ENV, timeout: 60_000 })

  test('a failed later attempt removes the earlier outputs.json: a downstream task that runs after a failure reads no output, and the attempts count on', async () => {
    const file = await spec(
      'again',
      '  a: { handler: ./h.mjs#flagged, inputs: { flag: "${{ params.flag }}" }, retries: 2 }\n  b: { handler: ./h.mjs#seen, inputs: { upstream: "${{ tasks.a.output }}" }, trigger: all_done }\n',
    )
    const folder = (task: string) => join(dir, '.weir', 'data', 'again', 'again', task)
    expect(run(file, '--task', 'a')).toMatchObject({ status: 0 })
    expect(JSON.parse(await readFile(join(folder('a'), 'output.json'), 'utf8'))).toEqual({ attempt: 1 })
    await writeFile(join(dir, 'flag'), '')
    try {
      // Run again (an engine's retry of a process that died after writing its result, a repair): attempt 2.
      expect(run(file, '--task', 'a')).toMatchObject({ status: 1 })
    } finally {
      await rm(join(dir, 'flag'))
    }
    expect(JSON.parse(await readFile(join(folder('a'), 'error.json'), 'utf8'))).toMatchObject({ attempt: 2, message: 'the flag is up' })
    expect(existsSync(join(folder('a'), 'outputs.json'))).toBe(false)
    expect(existsSync(join(folder('a'), 'values.json'))).toBe(false)
    const b = run(file, '--task', 'b')
    expect(b.status, b.stderr).toBe(0)
    expect(b.stderr).toContain("No outputs.json of upstream task 'a'")
    expect(JSON.parse(await readFile(join(folder('b'), 'output.json'), 'utf8'))).toEqual({ seen: null })
    // And the next attempt counts on from the last one recorded.
    expect(run(file, '--task', 'a')).toMatchObject({ status: 0 })
    expect(JSON.parse(await readFile(join(folder('a'), 'output.json'), 'utf8'))).toEqual({ attempt: 3 })
  })

  test('the same for an item of a mapped task: a fan-in reads null for an item whose last attempt failed', async () => {
    const file = await spec(
      'again_map',
      '  m: { handler: ./h.mjs#flagged, foreach: [1, 2], inputs: { flag: "${{ params.flag }}" } }\n  f: { handler: ./h.mjs#seen, inputs: { upstream: "${{ tasks.m.output }}" }, trigger: all_done }\n',
    )
    const folder = join(dir, '.weir', 'data', 'again_map', 'again')
    expect(run(file, '--task', 'm', '--list-items')).toMatchObject({ status: 0 })
    for (const i of ['0', '1']) expect(run(file, '--task', 'm', `--item-index=${i}`)).toMatchObject({ status: 0 })
    await writeFile(join(dir, 'flag'), '')
    try {
      expect(run(file, '--task', 'm', '--item-index=1')).toMatchObject({ status: 1 })
    } finally {
      await rm(join(dir, 'flag'))
    }
    expect(existsSync(join(folder, 'm', 'items', '1', 'outputs.json'))).toBe(false)
    expect(run(file, '--task', 'f')).toMatchObject({ status: 0 })
    expect(JSON.parse(await readFile(join(folder, 'f', 'output.json'), 'utf8'))).toEqual({ seen: [{ attempt: 1 }, null] })
  })
})
