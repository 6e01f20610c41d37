/**
 * `weir run` end to end: the built CLI (dist/, see `npm run check`) in a temp project, checked by exit
 * codes, --json and the run store. Cancellation and kill -9 use real signals.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { spawn, spawnSync } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises'
import { hostname, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const BIN = resolve('bin/weir.js')
let project: string

/** Runs the CLI to completion. */
function weir(args: string[], cwd = project) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', CI: '1' }, timeout: 60_000 })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

/** Starts the CLI; `output` is its stdout and stderr so far. */
function start(args: string[]): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: project, env: { ...process.env, NO_COLOR: '1', CI: '1' }, stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()))
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()))
  const exited = new Promise<number | null>((res) => child.on('close', (code) => res(code)))
  return { child, output: () => out, exited }
}

/** Starts the CLI and resolves once a stdout line matches. */
function startUntil(args: string[], pattern: RegExp): Promise<{ child: ChildProcess; output: () => string; exited: Promise<number | null> }> {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: project, env: { ...process.env, NO_COLOR: '1', CI: '1' }, stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  const exited = new Promise<number | null>((res) => child.on('exit', (code) => res(code)))
  return new Promise((res, rej) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString()
      if (pattern.test(out)) res({ child, output: () => out, exited })
    })
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()))
    void exited.then((code) => rej(new Error(`exited ${code} before ${pattern}:\n${out}`)))
  })
}

const HANDLERS = `
import { appendFileSync, existsSync } from 'node:fs'
import { Readable } from 'node:stream'
export const produce = () => ({ n: 21, at: Date.now() })
export const double = (inputs) => inputs.x.n * 2
export const fail = () => { throw new Error('this task always fails') }
export async function slow(inputs, ctx) {
  appendFileSync(inputs.trace, 'slow started\\n')
  if (inputs.honour) {
    await new Promise((resolve, reject) => {
      const t = setTimeout(resolve, inputs.ms)
      ctx.signal.addEventListener('abort', () => { clearTimeout(t); reject(new Error('stopped')) })
    })
  } else await new Promise((resolve) => setTimeout(resolve, inputs.ms))
  return 'slept'
}
export const after = (inputs) => 'after ' + inputs.s
export function chatty() {
  console.log('a handler talking on stdout')
  process.stdout.write('and writing to it\\n')
  return 'talked'
}
export function traced(inputs) {
  appendFileSync(inputs.trace, inputs.name + '\\n')
  return inputs.name
}
export async function gated(inputs) {
  appendFileSync(inputs.trace, 'gated\\n')
  if (inputs.fail) throw new Error('failing on purpose')
  while (!existsSync(inputs.gate)) await new Promise((resolve) => setTimeout(resolve, 20))
  return 'through'
}
// Returns a stream that sends one chunk and then nothing: its output stays half written.
export function stream(inputs) {
  if (!inputs.hang) return Buffer.from('whole')
  let sent = false
  return new Readable({ read() { if (!sent) { sent = true; this.push(Buffer.alloc(65536, 120)) } } })
}
export function killer(inputs) {
  appendFileSync(inputs.trace, 'killer\\n')
  if (inputs.kill) process.kill(process.pid, 'SIGKILL')
  return 'survived'
}
`

/** Polls until a condition on files another process writes holds (no fixed sleeps: returns as soon as it does). */
async function waitFor(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (await check()) return
    await new Promise((r) => setTimeout(r, 20))
  }
  throw new Error(`${what} never happened`)
}

const exists = (path: string) => stat(path).then(() => true, () => false)

/** The journal of the one run in a state dir, replayed just enough to tell each task's last record. */
async function journalOf(stateDir: string): Promise<{ text: string; statuses: Record<string, string> }> {
  const [runId] = await readdir(join(project, stateDir, 'runs'))
  const text = await readFile(join(project, stateDir, 'runs', runId!, 'journal.jsonl'), 'utf8')
  const statuses: Record<string, string> = {}
  for (const line of text.split('\n')) {
    const r = (() => { try { return JSON.parse(line) as { e: string; task?: string } } catch { return undefined } })()
    if (r?.task !== undefined) statuses[r.task] = r.e
  }
  return { text, statuses }
}

const spec = (name: string, tasks: string, params = '') => `apiVersion: weir/v1
kind: Pipeline
name: ${name}
${params}tasks:
${tasks}`

beforeAll(async () => {
  project = await mkdtemp(join(tmpdir(), 'weir-e2e-run-'))
  await writeFile(join(project, 'package.json'), '{"name":"e2e","type":"module"}')
  await mkdir(join(project, 'handlers'))
  await writeFile(join(project, 'handlers', 'h.ts'), HANDLERS)
  await writeFile(
    join(project, 'basic.yaml'),
    spec('basic', `  produce:\n    handler: ./handlers/h.ts#produce\n  double:\n    handler: ./handlers/h.ts#double\n    inputs: { x: "\${{ tasks.produce.output }}" }\n    output: { type: integer }\n`),
  )
  await writeFile(
    join(project, 'failing.yaml'),
    spec('failing', `  produce:\n    handler: ./handlers/h.ts#produce\n  broken:\n    handler: ./handlers/h.ts#fail\n    retries: { max: 1, delay: 10ms }\n  downstream:\n    handler: ./handlers/h.ts#produce\n    needs: [broken]\n  alert:\n    handler: ./handlers/h.ts#produce\n    needs: [broken]\n    trigger: one_failed\n`),
  )
  const slowTasks = (honour: boolean) =>
    `  first:\n    handler: ./handlers/h.ts#produce\n  slow:\n    handler: ./handlers/h.ts#slow\n    needs: [first]\n    inputs: { ms: "\${{ params.ms }}", honour: ${honour}, trace: "\${{ params.trace }}" }\n  last:\n    handler: ./handlers/h.ts#after\n    inputs: { s: "\${{ tasks.slow.output }}" }\n`
  const slowParams = `params:\n  ms: { type: integer, default: 60000 }\n  trace: { type: string, default: trace.log }\n`
  await writeFile(join(project, 'slow.yaml'), spec('slow', slowTasks(true), slowParams))
  await writeFile(join(project, 'stubborn.yaml'), spec('stubborn', slowTasks(false), slowParams))
  const traced = (name: string, extra = '') => `    handler: ./handlers/h.ts#traced\n    inputs: { name: ${name}, trace: "\${{ params.trace }}"${extra} }\n`
  await writeFile(
    join(project, 'killer.yaml'),
    spec(
      'killer',
      `  first:\n${traced('first')}  killer:\n    handler: ./handlers/h.ts#killer\n    needs: [first]\n    inputs: { kill: "\${{ params.kill }}", trace: "\${{ params.trace }}" }\n  last:\n${traced('last')}    needs: [killer]\n`,
      'params:\n  kill: { type: boolean, default: true }\n  trace: { type: string }\n',
    ),
  )
  await writeFile(
    join(project, 'gate.yaml'),
    spec(
      'gate',
      `  first:\n${traced('first')}  gated:\n    handler: ./handlers/h.ts#gated\n    needs: [first]\n    inputs: { fail: "\${{ params.fail }}", gate: "\${{ params.gate }}", trace: "\${{ params.trace }}" }\n`,
      'params:\n  fail: { type: boolean, default: false }\n  gate: { type: string }\n  trace: { type: string }\n',
    ),
  )
  await writeFile(
    join(project, 'stream.yaml'),
    spec('stream', `  writer:\n    handler: ./handlers/h.ts#stream\n    inputs: { hang: "\${{ params.hang }}" }\n`, 'params:\n  hang: { type: boolean, default: true }\n'),
  )
  await writeFile(join(project, 'chatty.yaml'), spec('chatty', `  talk:\n    handler: ./handlers/h.ts#chatty\n`))
  await writeFile(join(project, 'params.yaml'), spec('params', `  produce:\n    handler: ./handlers/h.ts#produce\n`, 'params:\n  n: { type: integer, minimum: 1, default: 1 }\n  mode: { enum: [fast, full], default: fast }\n  required_one: { type: string }\n'))
})

afterAll(async () => {
  await rm(project, { recursive: true, force: true })
})

describe('weir run', () => {
  test('--json keeps stdout to the one object when a handler prints in process (what it prints goes to stderr)', () => {
    const r = weir(['run', 'chatty.yaml', '--json', '--state-dir', 'state-chatty'])
    expect(r.code, r.stderr).toBe(0)
    expect(JSON.parse(r.stdout)).toMatchObject({ pipeline: 'chatty', status: 'succeeded' })
    expect(r.stderr).toContain('a handler talking on stdout\nand writing to it\n')
  })

  test('runs a pipeline and prints exactly the DESIGN.md object with --json', () => {
    const r = weir(['run', 'basic.yaml', '--json', '--state-dir', 'state'])
    expect(r.code).toBe(0)
    const out = JSON.parse(r.stdout) as Record<string, unknown>
    expect(Object.keys(out).sort()).toEqual(['pipeline', 'runId', 'status', 'tasks'])
    expect(out).toMatchObject({ pipeline: 'basic', status: 'succeeded', runId: expect.stringMatching(/^\d{8}-\d{6}-[0-9a-f]{6}$/) })
    const tasks = out.tasks as Record<string, Record<string, unknown>>
    expect(Object.keys(tasks)).toEqual(['produce', 'double'])
    for (const t of Object.values(tasks)) expect(Object.keys(t).sort()).toEqual(['attempts', 'output', 'status'])
    expect(tasks.double).toMatchObject({ status: 'succeeded', attempts: 1, output: expect.stringMatching(/^file:\/\//) })
    return readFile(fileURLToPath(tasks.double!.output as string), 'utf8').then((text) => expect(JSON.parse(text)).toBe(42))
  })

  test('a failed task makes the run fail (exit 1); independent branches and failure handlers still run', () => {
    const r = weir(['run', 'failing.yaml', '--json', '--state-dir', 'state'])
    expect(r.code).toBe(1)
    const out = JSON.parse(r.stdout) as { status: string; tasks: Record<string, Record<string, unknown>> }
    expect(out.status).toBe('failed')
    expect(out.tasks).toMatchObject({
      produce: { status: 'succeeded' },
      broken: { status: 'failed', attempts: 2, error: { code: 'HANDLER_ERROR', message: 'this task always fails', origin: 'user' } },
      downstream: { status: 'skipped', attempts: 0 },
      alert: { status: 'succeeded' },
    })
  })

  test('plain output names each state change and ends with a summary pointing at the logs and the resume command', () => {
    const r = weir(['run', 'failing.yaml', '--state-dir', 'state'])
    expect(r.code).toBe(1)
    expect(r.stdout).toMatch(/↻ broken attempt 1 failed: this task always fails; retrying in/)
    expect(r.stdout).toMatch(/✗ broken failed/)
    expect(r.stdout).toMatch(/- downstream skipped \(upstream failed\)/)
    expect(r.stdout).toMatch(/Logs: state\/runs\/[\w-]+\/logs/)
    expect(r.stdout).toMatch(/Resume: weir run failing.yaml --resume [\w-]+/)
  })

  test('an invalid spec prints diagnostics like spec validate and exits 2', async () => {
    await writeFile(join(project, 'bad.yaml'), spec('bad', `  a:\n    handler: ./handlers/h.ts#produce\n  b:\n    handler: ./handlers/h.ts#produce\n    needs: [aa]\n`))
    const r = weir(['run', 'bad.yaml'])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/^bad\.yaml:\d+:\d+: error UNKNOWN_TASK: .*'aa'/m)
    expect(r.stderr).toMatch(/\^+/)
  })

  test('a mapped task (foreach) runs once per item, and --json gives its item counts (issue 11)', async () => {
    await writeFile(join(project, 'mapped.yaml'), spec('mapped', `  a:\n    handler: ./handlers/h.ts#produce\n    foreach: [1, 2]\n`))
    const r = weir(['run', 'mapped.yaml', '--state-dir', 'mapped-state', '--json'])
    expect(r.code).toBe(0)
    expect(JSON.parse(r.stdout)).toMatchObject({ status: 'succeeded', tasks: { a: { status: 'succeeded', attempts: 1, items: { total: 2, succeeded: 2, failed: 0 } } } })
  })

  test.each([
    { args: ['--param', 'n=abc', '--param', 'required_one=x'], message: "Param 'n' must be an integer, not 'abc'" },
    { args: ['--param', 'n=0', '--param', 'required_one=x'], message: "Param 'n' is invalid: value must be >= 1" },
    { args: ['--param', 'mode=slow', '--param', 'required_one=x'], message: "Param 'mode' is invalid: value must be equal to one of the allowed values" },
    { args: ['--param', 'nn=2', '--param', 'required_one=x'], message: "has no param 'nn'; did you mean 'n'?" },
    { args: ['--param', 'n'], message: "--param 'n' is not of the form name=value" },
    { args: [], message: "Param 'required_one' has no default; pass it with --param required_one=VALUE" },
  ])('--param errors are one clear line and exit 2: $message', ({ args, message }) => {
    const r = weir(['run', 'params.yaml', '--state-dir', 'state', ...args])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain(message)
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
  })

  test('a resume of a run whose spec changed since says so once, from the run itself', async () => {
    const failed = JSON.parse(weir(['run', 'failing.yaml', '--state-dir', 'state-changed', '--json']).stdout) as { runId: string }
    const original = await readFile(join(project, 'failing.yaml'), 'utf8')
    await writeFile(join(project, 'changed.yaml'), original.replace('retries: { max: 1, delay: 10ms }', 'retries: { max: 0 }'))
    const same = weir(['run', 'failing.yaml', '--state-dir', 'state-changed', '--resume', failed.runId, '--json'])
    expect(same.stderr).not.toContain('changed since run')
    const again = JSON.parse(weir(['run', 'failing.yaml', '--state-dir', 'state-changed', '--json']).stdout) as { runId: string }
    const changed = weir(['run', 'changed.yaml', '--state-dir', 'state-changed', '--resume', again.runId, '--json'])
    expect(changed.stderr.match(/changed since run/g)).toHaveLength(1)
    expect(changed.stderr).toContain(`weir: note: changed.yaml changed since run ${again.runId}; the reused outputs were made by the old version.`)
  })

  test('usage errors exit 2', () => {
    expect(weir(['run']).code).toBe(2)
    expect(weir(['run', 'basic.yaml', '--concurrency', '0']).stderr).toContain('--concurrency must be a whole number of 1 or more')
    expect(weir(['run', 'basic.yaml', '--executor', 'thread']).code).toBe(2)
    expect(weir(['run', 'basic.yaml', '--resume', 'no-such-run', '--state-dir', 'state']).stderr).toContain("No run 'no-such-run'")
  })

  test('Ctrl-C cancels: running tasks are aborted, the rest recorded cancelled, exit 130', async () => {
    const { child, exited, output } = await startUntil(['run', 'slow.yaml', '--state-dir', 'state-sigint'], /▶ slow started/)
    child.kill('SIGINT')
    expect(await exited).toBe(130)
    expect(output()).toMatch(/cancelling the run \(SIGINT\)/)
    expect(output()).toMatch(/■ slow cancelled/)
    expect(output()).toMatch(/Run [\w-]+ cancelled/)
    const runs = JSON.parse(weir(['runs', '--json', '--state-dir', 'state-sigint']).stdout) as { status: string }[]
    expect(runs).toMatchObject([{ status: 'cancelled' }])
  })

  test('SIGTERM cancels the same way, exit 143', async () => {
    const { child, exited, output } = await startUntil(['run', 'slow.yaml', '--state-dir', 'state-sigterm'], /▶ slow started/)
    child.kill('SIGTERM')
    expect(await exited).toBe(143)
    expect(output()).toMatch(/cancelling the run \(SIGTERM\)/)
    expect(JSON.parse(weir(['runs', '--json', '--state-dir', 'state-sigterm']).stdout)).toMatchObject([{ status: 'cancelled' }])
  })

  test('a second Ctrl-C exits at once, even when a handler ignores its signal; the run then shows interrupted', async () => {
    const { child, exited } = await startUntil(['run', 'stubborn.yaml', '--state-dir', 'state-twice'], /▶ slow started/)
    child.kill('SIGINT')
    await new Promise((r) => child.stderr!.once('data', r))
    child.kill('SIGINT')
    expect(await exited).toBe(130)
    const runs = JSON.parse(weir(['runs', '--json', '--state-dir', 'state-twice']).stdout) as { status: string }[]
    expect(runs).toMatchObject([{ status: 'interrupted' }])
  })

  test('resume after kill -9: reuses the exact outputs of tasks that succeeded, re-runs the rest', async () => {
    const trace = join(project, 'kill-trace.log')
    const { child, exited } = await startUntil(['run', 'slow.yaml', '--state-dir', 'state-kill', '--param', `trace=${trace}`], /▶ slow started/)
    // The display said 'first' succeeded and 'slow' started: the success must be in the journal
    // already (issue 15: it used to sit in the group-commit buffer while 'slow' ran).
    expect((await journalOf('state-kill')).statuses.first).toBe('succeed')
    // Kill at a point the journal chooses, not a sleep: the handler of 'slow' runs (its trace is
    // written) and the start of its attempt is on disk.
    await waitFor(async () => (await exists(trace)) && (await journalOf('state-kill')).statuses.slow === 'start', "slow's start in the journal")
    child.kill('SIGKILL')
    expect(await exited).toBe(null)
    const [killed] = JSON.parse(weir(['runs', '--json', '--state-dir', 'state-kill']).stdout) as { runId: string; status: string }[]
    expect(killed).toMatchObject({ status: 'interrupted' })
    const shown = JSON.parse(weir(['runs', 'show', killed!.runId, '--json', '--state-dir', 'state-kill']).stdout) as { tasks: Record<string, { status: string; output?: { uri: string } }> }
    expect(shown.tasks).toMatchObject({ first: { status: 'succeeded' }, slow: { status: 'interrupted' }, last: { status: 'pending' } })

    const plan = weir(['run', 'slow.yaml', '--state-dir', 'state-kill', '--resume', killed!.runId, '--dry-run'])
    expect(plan.code).toBe(0)
    expect(plan.stdout).toMatch(/= first\s+reuse file:\/\//)
    expect(plan.stdout).toMatch(/▶ slow\s+run \(interrupted\)/)

    const r = weir(['run', 'slow.yaml', '--state-dir', 'state-kill', '--resume', killed!.runId, '--param', 'ms=1', '--json'])
    expect(r.code).toBe(0)
    const out = JSON.parse(r.stdout) as { tasks: Record<string, { status: string; attempts: number; output?: string }> }
    expect(out.tasks.first).toEqual({ status: 'succeeded', attempts: 0, output: shown.tasks.first!.output!.uri })
    expect(out.tasks.slow).toMatchObject({ status: 'succeeded', attempts: 1 })
    expect(out.tasks.last).toMatchObject({ status: 'succeeded', attempts: 1 })
    expect((await readFile(trace, 'utf8')).split('\n').filter(Boolean)).toEqual(['slow started', 'slow started'])
  }, 120_000)
})

describe('kill -9 at a point a handler chooses (issue 15)', () => {
  test('a success is in the journal before a task downstream of it starts: kill -9 from its handler, then resume runs it once', async () => {
    const trace = join(project, 'self-kill-trace.log')
    const killed = weir(['run', 'killer.yaml', '--state-dir', 'state-self-kill', '--param', `trace=${trace}`])
    expect(killed.code).toBe(null)
    const [run] = JSON.parse(weir(['runs', '--json', '--state-dir', 'state-self-kill']).stdout) as { runId: string; status: string }[]
    expect(run).toMatchObject({ status: 'interrupted' })
    const shown = JSON.parse(weir(['runs', 'show', run!.runId, '--json', '--state-dir', 'state-self-kill']).stdout) as { tasks: Record<string, { status: string }> }
    expect(shown.tasks.first).toMatchObject({ status: 'succeeded' })

    const r = weir(['run', 'killer.yaml', '--state-dir', 'state-self-kill', '--resume', run!.runId, '--param', 'kill=false', '--json'])
    expect(r.code).toBe(0)
    expect((JSON.parse(r.stdout) as { tasks: Record<string, unknown> }).tasks).toMatchObject({ first: { attempts: 0 }, killer: { attempts: 1 }, last: { attempts: 1 } })
    expect((await readFile(trace, 'utf8')).split('\n').filter(Boolean)).toEqual(['first', 'killer', 'killer', 'last'])
  }, 120_000)
})

describe('resuming one run twice at once (issue 15)', () => {
  test('two concurrent weir run --resume of one run: one runs its tasks, the other is refused with exit 2', async () => {
    const trace = join(project, 'gate-trace.log')
    const gate = join(project, 'gate-open')
    const args = ['--state-dir', 'state-gate', '--param', `trace=${trace}`, '--param', `gate=${gate}`]
    expect(weir(['run', 'gate.yaml', ...args, '--param', 'fail=true']).code).toBe(1)
    const [failed] = JSON.parse(weir(['runs', '--json', '--state-dir', 'state-gate']).stdout) as { runId: string }[]
    const resumes = [0, 1].map(() => start(['run', 'gate.yaml', ...args, '--param', 'fail=false', '--resume', failed!.runId]))
    // The resume that got the lock waits at the gate, so the first to exit is the refused one.
    const first = await Promise.race(resumes.map((r, i) => r.exited.then(() => i)))
    const refused = resumes[first]!
    try {
      expect(await refused.exited).toBe(2)
      expect(refused.output()).toMatch(new RegExp(`run: Run '${failed!.runId}' is already being resumed by run '[\\w-]+' \\(process \\d+\\); wait for it or stop it first\\.`))
    } finally {
      await writeFile(gate, '')
    }
    expect(await resumes[1 - first]!.exited).toBe(0)
    expect((await readFile(trace, 'utf8')).split('\n').filter(Boolean)).toEqual(['first', 'gated', 'gated'])
  }, 120_000)
})

describe('temp files left by kill -9 during an output write (issue 15)', () => {
  test("'weir runs gc' removes the half-written output of the killed run and keeps a live writer's; the run then resumes", async () => {
    const { child, exited } = await startUntil(['run', 'stream.yaml', '--state-dir', 'state-stream'], /▶ writer started/)
    // Kill once the output's temp file holds the first chunk: the write can never finish.
    const taskDir = async () => {
      const runs = await readdir(join(project, 'state-stream', 'data', 'stream')).catch(() => [] as string[])
      return runs[0] === undefined ? undefined : join(project, 'state-stream', 'data', 'stream', runs[0], 'writer')
    }
    let leftover = ''
    await waitFor(async () => {
      const dir = await taskDir()
      const name = dir && (await readdir(dir).catch(() => [] as string[])).find((n) => n.endsWith('.tmp'))
      if (!dir || !name || (await stat(join(dir, name))).size !== 65536) return false
      leftover = join(dir, name)
      return true
    }, 'the first chunk of the output in its temp file')
    child.kill('SIGKILL')
    expect(await exited).toBe(null)
    // The same file as a live process (this one) would be writing it now: it must survive.
    const live = leftover.replace(`.${child.pid}.`, `.${process.pid}.`)
    await writeFile(live, 'being written')

    const gc = weir(['runs', 'gc', '--json', '--state-dir', 'state-stream'])
    expect(gc.code, gc.stderr).toBe(0)
    expect(JSON.parse(gc.stdout)).toEqual({ removed: [{ path: leftover, bytes: 65536 }], forgottenProcesses: 0, removedRuns: [] })
    expect(await exists(leftover)).toBe(false)
    expect(await exists(live)).toBe(true)
    expect(weir(['runs', 'gc', '--state-dir', 'state-stream']).stdout).toBe("Nothing to remove in 'state-stream': no temp files of dead writers, no records of task processes that are gone, no run folders without a journal header.\n")
    // A record of a task process that is gone (what a kill -9 of a subprocess run leaves) is removed and counted.
    const [run] = JSON.parse(weir(['runs', '--json', '--state-dir', 'state-stream']).stdout) as { runId: string }[]
    const records = join(project, 'state-stream', 'runs', run!.runId, 'processes')
    await mkdir(records, { recursive: true })
    await writeFile(join(records, '4194303'), JSON.stringify({ host: hostname() }))
    expect(weir(['runs', 'gc', '--state-dir', 'state-stream']).stdout).toBe("Removed 1 record of task processes that are gone from 'state-stream'.\n")
    expect(await exists(join(records, '4194303'))).toBe(false)

    const [killed] = JSON.parse(weir(['runs', '--json', '--state-dir', 'state-stream']).stdout) as { runId: string }[]
    const resumed = weir(['run', 'stream.yaml', '--state-dir', 'state-stream', '--resume', killed!.runId, '--param', 'hang=false', '--json'])
    expect(resumed.code, resumed.stderr).toBe(0)
  }, 120_000)
})

describe('the example pipelines', () => {
  test.each(['daily_sales', 'regional_sales', 'nightly_export'])('pipelines/%s.yaml runs green out of the box', async (name) => {
    const dir = await mkdtemp(join(tmpdir(), 'weir-e2e-examples-'))
    try {
      const r = weir(['run', resolve('pipelines', `${name}.yaml`), '--json', '--state-dir', join(dir, '.weir')], dir)
      expect(r.stderr).toBe('')
      expect(r.code).toBe(0)
      expect(JSON.parse(r.stdout)).toMatchObject({ pipeline: name, status: 'succeeded' })
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
