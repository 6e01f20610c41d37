/**
 * A handler that blocks the event loop in process (src/runtime/blocked-loop-watchdog.ts): the run
 * must not hang for good. Past its timeout by the grace period, weir names the task and stops the
 * process, keeping the run interrupted and resumable; a handler that merely ignores its signal, or
 * blocks for less than the grace, times out as always; with the subprocess executor the same spec
 * fails the attempt as TASK_TIMEOUT.
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'

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
    ].join('\n') + '\n',
  )
  const spec = (name: string, handler: string) =>
    `apiVersion: weir/v1\nkind: Pipeline\nname: ${name}\ntasks:\n  first:\n    handler: ./handlers/h.js#ok\n  work:\n    handler: ./handlers/h.js#${handler}\n    needs: [first]\n    timeout: 1s\n`
  writeFileSync(join(project, 'spin.yaml'), spec('spin', 'spin'))
  writeFileSync(join(project, 'slow.yaml'), spec('slow', 'slow'))
  writeFileSync(join(project, 'hang.yaml'), spec('hang', 'hang'))
  writeFileSync(join(project, 'beside.yaml'), 'apiVersion: weir/v1\nkind: Pipeline\nname: beside\ntasks:\n  waits:\n    handler: ./handlers/h.js#hang\n    timeout: 1s\n  heavy:\n    handler: ./handlers/h.js#heavy\n')
})
afterAll(() => {
  if (project) rmSync(project, { recursive: true, force: true })
})

function weir(args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: project, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', CI: '1' }, timeout: 50_000 })
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
