/**
 * When an attempt of `weir execute` ends (the built CLI) under `--executor subprocess`: when its
 * process exits, whatever the handler left running (probe finding: a process it started with
 * inherited stdio held the attempt until it ended, past the task's timeout).
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { spawnSync } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

const BIN = resolve('bin/weir.js')
const ENV = { ...process.env, NO_COLOR: '1', CI: '1' }

const HANDLERS = `
import { spawn } from 'node:child_process'
import { appendFileSync } from 'node:fs'
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

describe('an attempt under --executor subprocess ends with its process, whatever the handler left running', () => {
  test('a process the handler started with inherited stdio does not hold the attempt (it held it until it ended, past the timeout)', async () => {
    const file = await spec('sleeper', '  c: { handler: ./h.mjs#sleeper, inputs: { pids: "${{ params.pids }}" }, timeout: 10s, retries: 0 }\n')
    const { code, result, stderr } = runSubprocess(file, 'state-sleeper')
    expect(code, stderr).toBe(0)
    expect(result.tasks.c).toMatchObject({ status: 'succeeded', attempts: 1 })
  })

  test('… nor when a handler ends the task process itself: its exit decides, with what it logged', async () => {
    const file = await spec('sleeper_exit', '  e: { handler: ./h.mjs#sleeperThenExit, inputs: { pids: "${{ params.pids }}" }, timeout: 10s, retries: 0 }\n')
    const state = 'state-sleeper-exit'
    const { code, result, stderr } = runSubprocess(file, state)
    expect(code, stderr).toBe(1)
    expect(result.tasks.e).toMatchObject({ status: 'failed', attempts: 1, error: { code: 'HANDLER_EXIT' } })
    const runs = JSON.parse(spawnSync(process.execPath, [BIN, 'runs', '--json', '--state-dir', join(dir, state)], { cwd: dir, encoding: 'utf8' }).stdout) as { runId: string }[]
    expect(await readFile(join(dir, state, 'runs', runs[0]!.runId, 'logs', 'e.log'), 'utf8')).toContain('INFO  started a sleeper')
  })
})


