/**
 * The built `weir schedule` for real: a per-second schedule on a tiny pipeline, the run history read
 * back with `weir runs --json`, a scheduler killed with SIGKILL and restarted, and a second scheduler
 * refused. Waits are on the daemon's own log lines, never on fixed sleeps.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { execFile, spawn, spawnSync } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { mkdtemp, writeFile } from 'node:fs/promises'
import { existsSync, readFileSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { createInterface } from 'node:readline'

const WEIR = resolve('bin/weir.js')

const SPEC = `apiVersion: weir/v1
kind: Pipeline
name: ticker
params:
  label: { type: string, default: manual }
tasks:
  tick:
    handler: ./handlers.ts#tick
    inputs: { label: "\${{ params.label }}" }
schedule:
  cron: "* * * * * *"
  timezone: Europe/Berlin
  overlap: allow
  catchup: latest
  params: { label: scheduled }
`

const HANDLERS = `export async function tick(inputs: { label: string }) { return inputs.label }\n`

interface Ran {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

function weir(args: string[], cwd: string): Promise<Ran> {
  return new Promise((done) => {
    execFile(process.execPath, [WEIR, ...args], { cwd, env: { ...process.env, NO_COLOR: '1' } }, (error, stdout, stderr) =>
      done({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    )
  })
}

interface LogEvent {
  readonly type: string
  readonly scheduledAt?: string
  readonly status?: string
}

/** A running daemon whose JSON log lines can be awaited. */
class Daemon {
  readonly child: ChildProcess
  readonly events: LogEvent[] = []
  readonly exited: Promise<number | null>
  #waiters: (() => void)[] = []

  constructor(cwd: string, stateDir: string, spec = 'tick.yaml', grace = '10s') {
    this.child = spawn(process.execPath, [WEIR, 'schedule', spec, '--json', '--state-dir', stateDir, '--grace', grace], { cwd, stdio: ['ignore', 'pipe', 'pipe'] })
    this.exited = new Promise((done) => this.child.on('exit', (code) => done(code)))
    createInterface({ input: this.child.stdout! }).on('line', (line) => {
      this.events.push(JSON.parse(line) as LogEvent)
      for (const wake of this.#waiters.splice(0)) wake()
    })
  }

  /** Resolves once `count` events of `type` have been logged. */
  async waitFor(type: string, count: number): Promise<void> {
    while (this.events.filter((e) => e.type === type).length < count) {
      await new Promise<void>((wake) => this.#waiters.push(wake))
    }
  }

  of(type: string): LogEvent[] {
    return this.events.filter((e) => e.type === type)
  }
}

/** Whether process `pid` runs (a zombie nobody reaped yet has ended). */
function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'))
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || process.platform === 'linux') return false
  }
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

describe('weir schedule (the daemon, for real)', () => {
  let dir: string
  let stateDir: string
  const daemons: Daemon[] = []

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'weir-schedule-e2e-'))
    stateDir = join(dir, 'state')
    await writeFile(join(dir, 'package.json'), '{"name":"ticker","private":true,"type":"module"}\n')
    await writeFile(join(dir, 'handlers.ts'), HANDLERS)
    await writeFile(join(dir, 'tick.yaml'), SPEC)
  })

  afterAll(() => {
    for (const daemon of daemons) if (daemon.child.exitCode === null) daemon.child.kill('SIGKILL')
  })

  test('fires every second, survives SIGKILL without firing twice, refuses a second scheduler, stops on SIGTERM', async () => {
    const first = new Daemon(dir, stateDir)
    daemons.push(first)
    await first.waitFor('run:finish', 2)
    first.child.kill('SIGKILL')
    expect(await first.exited).toBe(null)

    const second = new Daemon(dir, stateDir)
    daemons.push(second)
    await second.waitFor('run:finish', 2)
    // While it runs, a third scheduler on the same state dir is refused.
    const refused = await weir(['schedule', 'tick.yaml', '--state-dir', stateDir], dir)
    expect(refused.code).toBe(2)
    expect(refused.stderr).toMatch(/Another 'weir schedule' \(pid \d+, started .*\) already uses this state dir/)
    second.child.kill('SIGTERM')
    expect(await second.exited).toBe(0)
    expect(second.of('scheduler:stop')).toHaveLength(1)

    const listed = await weir(['runs', '--json', '--state-dir', stateDir, '--limit', '1000'], dir)
    expect(listed.code).toBe(0)
    const runs = JSON.parse(listed.stdout) as { runId: string; pipeline: string; trigger: string }[]
    expect(runs.length).toBeGreaterThanOrEqual(4)
    expect(new Set(runs.map((r) => r.trigger))).toEqual(new Set(['schedule']))
    const records = await Promise.all(
      runs.map(async (r) => JSON.parse((await weir(['runs', 'show', r.runId, '--json', '--state-dir', stateDir], dir)).stdout) as { scheduledAt: string; params: Record<string, unknown> }),
    )
    const scheduled = records.map((r) => r.scheduledAt)
    // Never twice: each fire time has at most one run, across the kill and the restart.
    expect(new Set(scheduled).size).toBe(scheduled.length)
    for (const at of scheduled) expect(at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$/)
    const fired = new Set([...first.of('fire:start'), ...second.of('fire:start')].map((e) => e.scheduledAt))
    for (const at of scheduled) expect(fired.has(at)).toBe(true)
    expect(new Set(records.map((r) => r.params.label))).toEqual(new Set(['scheduled']))
  })

  test('on SIGTERM it exits 0 after the grace period even when a handler it abandoned keeps a timer alive', async () => {
    await writeFile(join(dir, 'stuck.ts'), 'export function stuck(): Promise<never> { setInterval(() => {}, 1000); return new Promise(() => {}) }\n')
    await writeFile(join(dir, 'stuck.yaml'), 'apiVersion: weir/v1\nkind: Pipeline\nname: stuck\ntasks:\n  hang:\n    handler: ./stuck.ts#stuck\nschedule:\n  cron: "* * * * * *"\n  overlap: skip\n')
    const daemon = new Daemon(dir, join(dir, 'state-stuck'), 'stuck.yaml', '1s')
    daemons.push(daemon)
    await daemon.waitFor('fire:start', 1)
    daemon.child.kill('SIGTERM')
    // Before, it logged that it stopped and then waited on the handler's timer for good.
    expect(await daemon.exited).toBe(0)
    expect(daemon.of('scheduler:stop')).toHaveLength(1)
  })

  test('a second SIGTERM stops at once: the tasks get their ctx.signal (a child started with it dies), the lock is released, exit 143; a SIGHUP before it changes nothing', async () => {
    await writeFile(
      join(dir, 'two.ts'),
      `import { spawn } from 'node:child_process'
import { writeFileSync } from 'node:fs'
export async function deaf(): Promise<void> { await new Promise((r) => setTimeout(r, 60_000)) }
export async function child(_inputs: unknown, ctx: { signal: AbortSignal }): Promise<void> {
  const sleeper = spawn('sleep', ['60'], { signal: ctx.signal })
  sleeper.on('error', () => {})
  writeFileSync('two-child.pid', String(sleeper.pid))
  await new Promise((r) => sleeper.on('exit', r))
}
`,
    )
    await writeFile(join(dir, 'two.yaml'), 'apiVersion: weir/v1\nkind: Pipeline\nname: two\ntasks:\n  deaf:\n    handler: ./two.ts#deaf\n  child:\n    handler: ./two.ts#child\nschedule:\n  cron: "* * * * * *"\n  overlap: skip\n')
    const state = join(dir, 'state-two')
    const daemon = new Daemon(dir, state, 'two.yaml', '60s')
    daemons.push(daemon)
    const pidFile = join(dir, 'two-child.pid')
    while (!existsSync(pidFile)) await new Promise((r) => setTimeout(r, 50))
    const pid = Number(readFileSync(pidFile, 'utf8'))
    daemon.child.kill('SIGTERM')
    await daemon.waitFor('scheduler:stopping', 1)
    // The first signal lets the run finish within the grace: the child goes on.
    expect(alive(pid)).toBe(true)
    // A SIGHUP meanwhile reloads nothing and does not end the daemon (Node's default action would).
    daemon.child.kill('SIGHUP')
    daemon.child.kill('SIGTERM')
    expect(await daemon.exited).toBe(143)
    expect(daemon.of('scheduler:abort')).toMatchObject([{ running: 1 }])
    expect(existsSync(join(state, 'schedule', 'scheduler.lock'))).toBe(false)
    for (let i = 0; i < 100 && alive(pid); i++) await new Promise((r) => setTimeout(r, 50))
    expect(alive(pid)).toBe(false)
  })

  test("a handler's process.exit fails its task, and the daemon goes on firing", async () => {
    await writeFile(join(dir, 'quit.ts'), 'export function quit() { process.exit(3) }\n')
    await writeFile(join(dir, 'quit.yaml'), 'apiVersion: weir/v1\nkind: Pipeline\nname: quit\ntasks:\n  q:\n    handler: ./quit.ts#quit\nschedule:\n  cron: "* * * * * *"\n  overlap: skip\n')
    const daemon = new Daemon(dir, join(dir, 'state-quit'), 'quit.yaml', '1s')
    daemons.push(daemon)
    await daemon.waitFor('run:finish', 2)
    daemon.child.kill('SIGTERM')
    expect(await daemon.exited).toBe(0)
    const runs = JSON.parse(spawnSync(process.execPath, [WEIR, 'runs', '--json', '--state-dir', join(dir, 'state-quit')], { cwd: dir, encoding: 'utf8' }).stdout) as { runId: string; status: string }[]
    expect(runs.length).toBeGreaterThanOrEqual(2)
    expect(runs.every((r) => r.status === 'failed')).toBe(true)
    const shown = JSON.parse(spawnSync(process.execPath, [WEIR, 'runs', 'show', runs[0]!.runId, '--json', '--state-dir', join(dir, 'state-quit')], { cwd: dir, encoding: 'utf8' }).stdout) as { tasks: { q: { attempts: { error?: { code: string; message: string } }[] } } }
    expect(shown.tasks.q.attempts[0]!.error).toMatchObject({ code: 'HANDLER_EXIT', message: expect.stringContaining('A handler called process.exit(3)') })
  })

  test("a handler's process.exit in a callback is a warning, the daemon goes on firing; the state dir it makes is its user's only", async () => {
    await writeFile(join(dir, 'later.ts'), 'export async function later() { setTimeout(() => process.exit(4), 10); await new Promise((r) => setTimeout(r, 300)) }\n')
    await writeFile(join(dir, 'later.yaml'), 'apiVersion: weir/v1\nkind: Pipeline\nname: later\ntasks:\n  l:\n    handler: ./later.ts#later\nschedule:\n  cron: "* * * * * *"\n  overlap: skip\n')
    const state = join(dir, 'state-later')
    const daemon = new Daemon(dir, state, 'later.yaml', '1s')
    daemons.push(daemon)
    let stderr = ''
    daemon.child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    await daemon.waitFor('run:finish', 2)
    daemon.child.kill('SIGTERM')
    expect(await daemon.exited).toBe(0)
    expect(stderr).toContain('weir: warning: a handler called process.exit from a callback')
    expect(stderr).not.toMatch(/^\s+at /m)
    expect(statSync(state).mode & 0o777).toBe(0o700)
  })

  test('a promise a handler left rejected is a warning: the daemon goes on firing', async () => {
    await writeFile(join(dir, 'float.ts'), "export async function float() { Promise.reject(new Error('nobody caught this')); await new Promise((r) => setTimeout(r, 50)); return 1 }\n")
    await writeFile(join(dir, 'float.yaml'), 'apiVersion: weir/v1\nkind: Pipeline\nname: float\ntasks:\n  f:\n    handler: ./float.ts#float\nschedule:\n  cron: "* * * * * *"\n  overlap: skip\n')
    const daemon = new Daemon(dir, join(dir, 'state-float'), 'float.yaml', '1s')
    daemons.push(daemon)
    let stderr = ''
    daemon.child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    await daemon.waitFor('run:finish', 2)
    daemon.child.kill('SIGTERM')
    expect(await daemon.exited).toBe(0)
    expect(stderr).toContain('weir: warning: a promise was rejected and nothing handled it (Error: nobody caught this)')
  })
})
