/**
 * A handler that blocks the event loop in process (src/runtime/blocked-loop-watchdog.ts): the run
 * must not hang for good. Past its timeout by the grace period, weir names the task and stops the
 * process, keeping the run interrupted and resumable; a handler that merely ignores its signal, or
 * blocks for less than the grace, times out as always; with the subprocess executor the same spec
 * fails the attempt as TASK_TIMEOUT. In `weir execute` (every task on an engine) the attempt itself
 * is stopped and recorded: error.json says TASK_TIMEOUT, and the exit code whether to retry.
 */
import { spawn, spawnSync } from 'node:child_process'
import { once } from 'node:events'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { pathToFileURL } from 'node:url'
import { LAUNCHER_SOURCE } from '../../src/plugins/targets/databricks/launcher.ts'
import { describeIfAvailable, pythonMissing } from '../support/services.ts'

const BIN = resolve('bin/weir.js')
let project: string

beforeAll(() => {
  project = mkdtempSync(join(tmpdir(), 'weir-blocked-'))
  mkdirSync(join(project, 'handlers'))
  writeFileSync(join(project, 'package.json'), '{ "type": "module" }\n')
  writeFileSync(
    join(project, 'handlers/h.js'),
    [
      'export async function ok() { return 2 }',
      // Blocks the loop for good: no timer, no signal listener ever runs again.
      'export function spin() { for (;;) {} }',
      // Blocks for 1.2 s, past a 1 s timeout but within the grace: an ordinary timeout.
      'export function slow() { const end = Date.now() + 1200; while (Date.now() < end) {} return 1 }',
      // Never settles and ignores its signal, without blocking anything.
      'export function hang() { return new Promise(() => {}) }',
      // A long synchronous step with no timeout of its own (a CPU-heavy task in process).
      'export async function heavy() { await new Promise((r) => setTimeout(r, 100)); const end = Date.now() + 4000; while (Date.now() < end) {} return 3 }',
      // The probe's handler: async, and blocking before its first await.
      "export async function busy(inputs, ctx) { ctx.log.info('busy start'); while (true) {} }",
      // Blocks inside a synchronous call that no interrupt reaches (a child process it waits for,
      // which itself ends once this process is gone).
      "import { execFileSync } from 'node:child_process'",
      // Blocks inside a timer's callback, where unwinding the JavaScript would corrupt Node's async context.
      "export function inTimer(inputs, ctx) { ctx.log.info('timer start'); return new Promise(() => setTimeout(() => { for (;;) {} }, 10)) }",
      "export function shell(inputs, ctx) { ctx.log.info('shell start'); execFileSync(process.execPath, ['-e', `setInterval(() => { try { process.kill(${process.pid}, 0) } catch { process.exit() } }, 200)`]) }",
    ].join('\n') + '\n',
  )
  const spec = (name: string, handler: string) =>
    `apiVersion: weir/v1\nkind: Pipeline\nname: ${name}\ntasks:\n  first:\n    handler: ./handlers/h.js#ok\n  work:\n    handler: ./handlers/h.js#${handler}\n    needs: [first]\n    timeout: 1s\n`
  writeFileSync(join(project, 'spin.yaml'), spec('spin', 'spin'))
  writeFileSync(join(project, 'slow.yaml'), spec('slow', 'slow'))
  writeFileSync(join(project, 'hang.yaml'), spec('hang', 'hang'))
  writeFileSync(
    join(project, 't3.yaml'),
    [
      'apiVersion: weir/v1',
      'kind: Pipeline',
      'name: t3',
      'tasks:',
      '  busy: { handler: ./handlers/h.js#busy, timeout: 1s, retries: { max: 1, delay: 200ms, jitter: none } }',
      '  final: { handler: ./handlers/h.js#busy, timeout: 1s, retries: { max: 2, delay: 200ms, jitter: none, onTimeout: false } }',
      '  shell: { handler: ./handlers/h.js#shell, timeout: 1s, retries: { max: 1, onTimeout: false } }',
      '  in_timer: { handler: ./handlers/h.js#inTimer, timeout: 1s, retries: { max: 1, onTimeout: false } }',
      '',
    ].join('\n'),
  )
  writeFileSync(join(project, 'beside.yaml'), 'apiVersion: weir/v1\nkind: Pipeline\nname: beside\ntasks:\n  waits:\n    handler: ./handlers/h.js#hang\n    timeout: 1s\n  heavy:\n    handler: ./handlers/h.js#heavy\n')
})
afterAll(() => {
  if (project) rmSync(project, { recursive: true, force: true })
})

// SIGKILL when it takes too long: a process blocked for good ignores SIGTERM (the bug these tests are about).
function weir(args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: project, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', CI: '1' }, timeout: 50_000, killSignal: 'SIGKILL' })
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr }
}

describe('a handler that blocks the event loop', () => {
  test('in process: past its timeout and the grace, weir names the task and stops the process; the run stays interrupted and resumable', () => {
    const r = weir(['run', 'spin.yaml', '--state-dir', 'st-spin'])
    // Before, the run spun until killed from outside (SIGTERM was never handled).
    expect(r.signal).toBe('SIGKILL')
    expect(r.stderr).toMatch(/weir: task 'work', attempt 1, is 10s past its timeout of 1\.0s, and this process's event loop has not turned for as long: a handler is running synchronous code/)
    const runId = /--resume (\S+)/.exec(r.stderr)?.[1]
    expect(r.stderr).toContain(`weir run spin.yaml --resume ${runId} --state-dir st-spin`)
    const shown = JSON.parse(weir(['runs', 'show', runId!, '--json', '--state-dir', 'st-spin']).stdout) as { status: string; tasks: Record<string, { status: string }> }
    expect(shown.status).toBe('interrupted')
    expect(shown.tasks.first!.status).toBe('succeeded')
    // Written before the blocking handler ran (the SIGKILL runs no exit listener): its start in the
    // run store, which shows the attempt interrupted rather than the task never started, and the display's lines.
    expect(shown.tasks.work!.status).toBe('interrupted')
    expect(r.stdout).toContain('first succeeded')
    expect(r.stdout).toContain('work started')
  })

  test('with --executor subprocess the same spec fails the attempt as TASK_TIMEOUT', () => {
    const r = weir(['run', 'spin.yaml', '--executor', 'subprocess', '--state-dir', 'st-sub', '--json'])
    expect(r.code).toBe(1)
    const report = JSON.parse(r.stdout) as { tasks: Record<string, { status: string; error?: { code: string } }> }
    expect(report.tasks.work).toMatchObject({ status: 'failed', error: { code: 'TASK_TIMEOUT' } })
  })

  test("another task's long synchronous step, while a task beside it runs out of time, stops nothing: that task times out when the step ends", () => {
    const r = weir(['run', 'beside.yaml', '--state-dir', 'st-beside', '--json'])
    expect(r.signal).toBe(null)
    expect(r.code).toBe(1)
    const report = JSON.parse(r.stdout) as { tasks: Record<string, { status: string; error?: { code: string } }> }
    expect(report.tasks.waits).toMatchObject({ status: 'failed', error: { code: 'TASK_TIMEOUT' } })
    expect(report.tasks.heavy).toMatchObject({ status: 'succeeded' })
  })

  test.each([
    ['slow.yaml', 'blocks for less than the grace'],
    ['hang.yaml', 'never settles and ignores its signal'],
  ])('%s (a handler that %s) times out as always: TASK_TIMEOUT, exit 1, no kill', (spec) => {
    const r = weir(['run', spec, '--state-dir', `st-${spec}`, '--json'])
    expect(r.signal).toBe(null)
    expect(r.code).toBe(1)
    const report = JSON.parse(r.stdout) as { tasks: Record<string, { status: string; error?: { code: string } }> }
    expect(report.tasks.work).toMatchObject({ status: 'failed', error: { code: 'TASK_TIMEOUT' } })
    expect(r.stderr).not.toContain('blocks the event loop')
  })
})

describe('weir execute of a handler that blocks the event loop (every task on an engine)', () => {
  const errorOf = (run: string, task: string) => JSON.parse(readFileSync(join(project, 'st-exec', 'data', 't3', run, task, 'error.json'), 'utf8')) as Record<string, unknown>
  const execute = (task: string, run: string) => weir(['execute', '--spec', 't3.yaml', '--task', task, '--run-id', run, '--state-dir', 'st-exec'])

  test('ends by itself past the timeout: error.json says TASK_TIMEOUT, exit 1 (retried); the engine\'s retry is attempt 2', () => {
    // Before, the process spun until killed from outside, and wrote nothing.
    const first = execute('busy', 'e1')
    expect(first.signal).toBe(null)
    expect(first.code).toBe(1)
    expect(first.stderr).toContain("weir: execute: task 'busy': TASK_TIMEOUT: Attempt 1 of task 'busy' timed out after 1.0s while its handler was blocking the event loop")
    expect(first.stderr.trim().split('\n')).toHaveLength(2) // its log line and the report: no word from Node's inspector
    expect(errorOf('e1', 'busy')).toMatchObject({ code: 'TASK_TIMEOUT', origin: 'user', recoverable: true, timedOut: true, attempt: 1, task: 'busy', runId: 'e1' })
    const second = execute('busy', 'e1')
    expect(second.code).toBe(1)
    expect(errorOf('e1', 'busy')).toMatchObject({ code: 'TASK_TIMEOUT', attempt: 2 })
  })

  test('onTimeout: false: exit 3, which no engine retries, and a retry all the same fails at once without running the handler', () => {
    const first = execute('final', 'e2')
    expect(first.code).toBe(3)
    expect(errorOf('e2', 'final')).toMatchObject({ code: 'TASK_TIMEOUT', recoverable: false, attempt: 1 })
    const again = execute('final', 'e2')
    expect(again.code).toBe(3)
    expect(again.stderr).not.toContain('busy start')
    expect(again.stderr).toContain('not trying again')
  })

  test("blocked inside a timer's callback: the attempt is recorded all the same (exit 3, onTimeout: false), with nothing else said", () => {
    const r = execute('in_timer', 'e5')
    expect(r.signal).toBe(null)
    expect(r.code).toBe(3)
    expect(errorOf('e5', 'in_timer')).toMatchObject({ code: 'TASK_TIMEOUT', recoverable: false, timedOut: true, attempt: 1 })
    expect(r.stderr.trim().split('\n')).toEqual([
      '[in_timer] info timer start',
      expect.stringContaining("weir: execute: task 'in_timer': TASK_TIMEOUT: Attempt 1 of task 'in_timer' timed out after 1.0s while its handler was blocking the event loop"),
    ])
  })

  test('SIGTERM while the loop is blocked (an engine stopping the task): the process still ends, with the attempt recorded', async () => {
    const child = spawn(process.execPath, [BIN, 'execute', '--spec', 't3.yaml', '--task', 'busy', '--run-id', 'e3', '--state-dir', 'st-exec'], { cwd: project, stdio: ['ignore', 'ignore', 'pipe'] })
    let stderr = ''
    child.stderr.setEncoding('utf8')
    await new Promise<void>((resolve) => {
      child.stderr.on('data', (chunk: string) => {
        stderr += chunk
        if (stderr.includes('busy start')) resolve()
      })
    })
    child.kill('SIGTERM')
    // Before, SIGTERM did nothing and the process spun on; it is killed for good after 50 s, which fails the test.
    const stuck = setTimeout(() => child.kill('SIGKILL'), 50_000)
    const [code, signal] = (await once(child, 'exit')) as [number | null, string | null]
    clearTimeout(stuck)
    expect(signal).toBe(null)
    expect(code).toBe(1)
    expect(errorOf('e3', 'busy')).toMatchObject({ code: 'TASK_TIMEOUT', attempt: 1 })
  })

  test('blocked in a synchronous call no interrupt reaches: killed (SIGKILL), with error.json written first, saying TASK_TIMEOUT', () => {
    const r = execute('shell', 'e4')
    expect(r.signal).toBe('SIGKILL')
    expect(r.stderr).toContain("weir: execute: task 'shell': attempt 1 is past its timeout of 1.0s, and its handler blocks the event loop where weir cannot stop it")
    expect(errorOf('e4', 'shell')).toMatchObject({ code: 'TASK_TIMEOUT', recoverable: false, timedOut: true, attempt: 1, task: 'shell', runId: 'e4' })
    // No temp file left beside it; and the retry an engine makes after the kill stops at once.
    expect(existsSync(join(project, 'st-exec', 'data', 't3', 'e4', 'shell'))).toBe(true)
    expect(readdirNames(join(project, 'st-exec', 'data', 't3', 'e4', 'shell'))).toEqual(['error.json'])
    const again = execute('shell', 'e4')
    expect(again.code).toBe(3)
    expect(again.stderr).not.toContain('shell start')
  })

  test('with --executor subprocess: TASK_TIMEOUT after every attempt the policy allows, and none after a timeout that onTimeout: false does not retry', () => {
    const r = weir(['run', 't3.yaml', '--executor', 'subprocess', '--state-dir', 'st-exec-sub', '--json'])
    expect(r.code).toBe(1)
    const report = JSON.parse(r.stdout) as { tasks: Record<string, { status: string; attempts: number; error?: { code: string } }> }
    expect(report.tasks.busy).toMatchObject({ status: 'failed', attempts: 2, error: { code: 'TASK_TIMEOUT' } })
    expect(report.tasks.final).toMatchObject({ status: 'failed', attempts: 1, error: { code: 'TASK_TIMEOUT' } })
    expect(report.tasks.shell).toMatchObject({ status: 'failed', attempts: 1, error: { code: 'TASK_TIMEOUT' } })
    expect(report.tasks.in_timer).toMatchObject({ status: 'failed', attempts: 1, error: { code: 'TASK_TIMEOUT' } })
  })
})

describeIfAvailable(pythonMissing())('the Databricks launcher running weir execute of a handler that blocks the event loop (python3)', () => {
  test('a local output prefix: the launcher reads the recorded TASK_TIMEOUT of a killed weir and exits as weir execute would (3: onTimeout: false)', () => {
    const launcher = join(project, 'weir_launcher.py')
    writeFileSync(launcher, LAUNCHER_SOURCE)
    const prefix = join(project, 'db', 'shell')
    const r = spawnSync('python3', [launcher, BIN, 'execute', '--spec', 't3.yaml', '--task', 'shell', '--run-id', 'd1', '--state-dir', 'st-db', '--output-prefix', pathToFileURL(prefix).href], {
      cwd: project,
      encoding: 'utf8',
      env: { ...process.env, WEIR_NODE: process.execPath },
      timeout: 50_000,
      killSignal: 'SIGKILL',
    })
    expect(r.stderr).toContain(`weir launcher: weir was killed (signal 9) after recording its attempt as TASK_TIMEOUT in ${join(prefix, 'error.json')}`)
    expect(r.status).toBe(3)
  })
})

function readdirNames(dir: string): string[] {
  return readdirSync(dir).sort()
}
