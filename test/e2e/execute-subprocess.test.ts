/**
 * `weir run --executor subprocess` (the built CLI): every attempt is its own rendered `weir execute`
 * process, and a run ends with the same statuses, attempts and skip behaviour as in process — for
 * every example pipeline and for a fixture with every status.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { spawn, spawnSync } from 'node:child_process'
import { once } from 'node:events'
import { readFileSync } from 'node:fs'
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
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

test('a param too long for a command line fails the task once, naming the param, not as a bare "spawn E2BIG" retried', async () => {
  // Linux takes at most 128 KB per argument; the param reached weir execute as --param big=….
  const dir = await mkdtemp(join(root, 'long-param-'))
  await writeFile(join(dir, 'package.json'), '{"type":"module"}')
  await writeFile(join(dir, 'h.ts'), 'export const use = (i) => i.big.length\n')
  const spec = join(dir, 'long.yaml')
  await writeFile(spec, `apiVersion: weir/v1\nkind: Pipeline\nname: long\nparams:\n  big: { type: string, default: ${'y'.repeat(140_000)} }\ntasks:\n  a: { handler: ./h.ts#use, inputs: { big: "\${{ params.big }}" }, retries: { max: 2, delay: 10ms } }\n`)
  const { result } = await run(spec, 'subprocess')
  const a = result.tasks.a as RunJson['tasks'][string] & { error: { message: string } }
  expect(a).toMatchObject({ status: 'failed', attempts: 1, error: { code: 'SUBPROCESS_SPAWN', origin: 'system' } })
  expect(a.error.message).toContain("param 'big'")
  expect(a.error.message).toContain('128 KB')
})

test("a task process that runs out of heap says so, and how to raise the limit, not V8's last native stack frames", async () => {
  const dir = await mkdtemp(join(root, 'oom-'))
  await writeFile(join(dir, 'package.json'), '{"type":"module"}')
  await writeFile(
    join(dir, 'h.ts'),
    `export const hog = () => { const keep = []; for (;;) keep.push(new Array(100_000).fill(1.5)) }
// What V8 prints as it aborts a process, with a native stack deeper than the lines a crash report keeps.
export const deep = () => {
  const frames = Array.from({ length: 40 }, (_, i) => \`\${i + 1}: 0x12cbb55 v8::internal::Frame\${i}() [node]\`)
  process.stderr.write(['<--- JS stacktrace --->', '', 'FATAL ERROR: invalid array length Allocation failed - JavaScript heap out of memory', '----- Native stack trace -----', '', ...frames, ''].join('\\n'))
  process.abort()
}
`,
  )
  await writeFile(join(dir, 'oom.yaml'), 'apiVersion: weir/v1\nkind: Pipeline\nname: oom\ntasks:\n  hog: { handler: ./h.ts#hog }\n  deep: { handler: ./h.ts#deep }\n')
  const r = spawnSync(process.execPath, [BIN, 'run', 'oom.yaml', '--executor', 'subprocess', '--json', '--state-dir', 'state'], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', CI: '1', NODE_OPTIONS: '--max-old-space-size=48' },
    timeout: 120_000,
  })
  const result = JSON.parse(r.stdout) as { tasks: Record<string, { status: string; error: { code: string; message: string } }> }
  for (const [id, fatal] of [['hog', 'JavaScript heap out of memory'], ['deep', "'invalid array length Allocation failed - JavaScript heap out of memory'"]] as const) {
    const { status, error } = result.tasks[id]!
    expect(status, id).toBe('failed')
    expect(error.code, id).toBe('SUBPROCESS_CRASHED')
    expect(error.message, id).toContain('ran out of memory')
    expect(error.message, id).toContain(fatal)
    expect(error.message, id).toContain('NODE_OPTIONS=--max-old-space-size=<MiB>')
    expect(error.message, id).not.toMatch(/0x[0-9a-f]+ /)
  }
})

test('an argument of a command template holding a NUL character fails the task once, naming it, never quoting the command line', async () => {
  // Node refuses such an argv with a message quoting the whole argument; here a secret param's.
  const dir = await mkdtemp(join(root, 'nul-argv-'))
  await writeFile(join(dir, 'package.json'), '{"type":"module"}')
  await writeFile(join(dir, 'h.ts'), 'export const use = () => 1\n')
  const spec = join(dir, 'nul.yaml')
  await writeFile(
    spec,
    'apiVersion: weir/v1\nkind: Pipeline\nname: nularg\nparams:\n  tok: { type: string, writeOnly: true, default: NULSECRETxyz }\ncommand: ["{{cli}}", execute, --spec, "{{spec}}", --task, "{{task}}", --run-id, "{{runId}}", --output-prefix, "{{outputPrefix}}", --param, "tok={{params.tok}}\\0"]\ntasks:\n  a: { handler: ./h.ts#use, retries: { max: 2, delay: 10ms } }\n',
  )
  const { result, stderr } = await run(spec, 'subprocess')
  const a = result.tasks.a as RunJson['tasks'][string] & { error: { message: string } }
  expect(a).toMatchObject({ status: 'failed', attempts: 1, error: { code: 'SUBPROCESS_SPAWN', origin: 'system' } })
  expect(a.error.message).toBe("The command line of task 'a' cannot start: param 'tok' holds a NUL character (U+0000), which no process's arguments can carry; remove it from the task's command template.")
  expect(JSON.stringify(result) + stderr).not.toMatch(/NULSECRET|--run-id|args\[/)
})

test('a handler listening a dozen times to ctx.signal in weir execute leaves no listener-leak warning in its log', async () => {
  const dir = await mkdtemp(join(root, 'listeners-'))
  await writeFile(join(dir, 'package.json'), '{"type":"module"}')
  await writeFile(join(dir, 'h.ts'), "export const many = (_i, ctx) => { for (let n = 0; n < 12; n++) ctx.signal.addEventListener('abort', () => {}); return 1 }\n")
  await writeFile(join(dir, 'l.yaml'), 'apiVersion: weir/v1\nkind: Pipeline\nname: listeners\ntasks:\n  a: { handler: ./h.ts#many }\n  b: { handler: ./h.ts#many, timeout: 1m }\n')
  const r = spawnSync(process.execPath, [BIN, 'run', 'l.yaml', '--executor', 'subprocess', '--state-dir', 'state'], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', CI: '1' }, timeout: 120_000 })
  expect(r.status, r.stderr).toBe(0)
  const [runId] = await readdir(join(dir, 'state', 'runs'))
  const logs = join(dir, 'state', 'runs', runId!, 'logs')
  // No task logged anything, so there may be no logs folder at all.
  const files = await readdir(logs).catch(() => [] as string[])
  const text = (await Promise.all(files.map((f) => readFile(join(logs, f), 'utf8')))).join('')
  expect(text).not.toContain('MaxListenersExceededWarning')
})

test('a task log keeps the level of each ctx.log call in a subprocess as in process, with params or without', async () => {
  const dir = await mkdtemp(join(root, 'levels-'))
  await writeFile(join(dir, 'package.json'), '{"type":"module"}')
  await writeFile(
    join(dir, 'h.ts'),
    "export const a = (_i, ctx) => { ctx.log.debug('d'); ctx.log.info('i', { n: 1 }); ctx.log.warn('w'); ctx.log.error('e\\nsecond line'); console.error('[a] said by hand'); return 1 }\n",
  )
  await writeFile(join(dir, 'p.yaml'), 'apiVersion: weir/v1\nkind: Pipeline\nname: levels\nparams:\n  x: { type: string, default: y }\ntasks:\n  a: { handler: ./h.ts#a, inputs: { x: "${{ params.x }}" } }\n')
  await writeFile(join(dir, 'q.yaml'), 'apiVersion: weir/v1\nkind: Pipeline\nname: levels\ntasks:\n  a: { handler: ./h.ts#a }\n')
  const logOf = async (spec: string, executor: string): Promise<string[]> => {
    const state = `state-${spec}-${executor}`
    const r = spawnSync(process.execPath, [BIN, 'run', spec, '--executor', executor, '--state-dir', state], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', CI: '1' }, timeout: 120_000 })
    expect(r.status, r.stderr).toBe(0)
    const [runId] = await readdir(join(dir, state, 'runs'))
    const text = await readFile(join(dir, state, 'runs', runId!, 'logs', 'a.log'), 'utf8')
    // Without the time and attempt; what console.error prints goes elsewhere in process.
    return text.split('\n').filter(Boolean).map((l) => l.replace(/^\S+ \[attempt 1\] /, '')).filter((l) => !l.includes('said by hand'))
  }
  for (const spec of ['p.yaml', 'q.yaml']) {
    const inProcess = await logOf(spec, 'inprocess')
    expect(inProcess.slice(0, 4)).toEqual(['DEBUG d', 'INFO  i {"n":1}', 'WARN  w', 'ERROR e'])
    const subprocess = await logOf(spec, 'subprocess')
    // A message of two lines is two log lines of its level in a subprocess (stderr is read line by line).
    expect(subprocess).toEqual(['DEBUG d', 'INFO  i {"n":1}', 'WARN  w', 'ERROR e', 'ERROR second line'])
  }
  // Anything else the process prints on stderr is a warning, as before.
  const state = 'state-p.yaml-subprocess'
  const [runId] = await readdir(join(dir, state, 'runs'))
  expect(await readFile(join(dir, state, 'runs', runId!, 'logs', 'a.log'), 'utf8')).toMatch(/ WARN  \[a\] said by hand\n/)
}, 120_000)

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

test('a task process that timed out while streaming its output removes its temp file before the run ends', async () => {
  const dir = await mkdtemp(join(root, 'timeout-stream-'))
  await writeFile(join(dir, 'package.json'), '{"type":"module"}')
  await writeFile(join(dir, 'h.ts'), "import { Readable } from 'node:stream'\nexport const endless = async () => new Readable({ read() { setTimeout(() => this.push('x'), 50) } })\n")
  await writeFile(join(dir, 's.yaml'), 'apiVersion: weir/v1\nkind: Pipeline\nname: stream\ntasks:\n  s: { handler: ./h.ts#endless, timeout: 1s }\n')
  const r = spawnSync(process.execPath, [BIN, 'run', 's.yaml', '--executor', 'subprocess', '--state-dir', 'state', '--json'], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', CI: '1' }, timeout: 120_000 })
  expect(r.status, r.stderr).toBe(1)
  expect((JSON.parse(r.stdout) as RunJson).tasks.s).toMatchObject({ status: 'failed', error: { code: 'TASK_TIMEOUT' } })
  // The run ended by killing the process outright (SIGKILL) while it was aborting its write.
  const left = (await readdir(join(dir, 'state', 'data'), { recursive: true })).filter((f) => f.endsWith('.tmp'))
  expect(left).toEqual([])
})

describe('kill -9 of weir run --executor subprocess (issue 15)', () => {
  const HANDLERS = `
import { appendFileSync, existsSync } from 'node:fs'
export async function sleepy(inputs) {
  appendFileSync(inputs.trace, inputs.name + ' ' + process.pid + '\\n')
  if (inputs.ms > 0) await new Promise((resolve) => setTimeout(resolve, inputs.ms))
  return inputs.name
}
// Busy in synchronous code until the gate file exists: it cannot notice that its parent died.
export function blocker(inputs) {
  appendFileSync(inputs.trace, 'blocker ' + process.pid + '\\n')
  const cell = new Int32Array(new SharedArrayBuffer(4))
  if (inputs.block) while (!existsSync(inputs.gate)) Atomics.wait(cell, 0, 0, 20)
  return 'done'
}
`
  let project: string
  const weirIn = (args: string[]) => spawnSync(process.execPath, [BIN, ...args], { cwd: project, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', CI: '1' }, timeout: 120_000 })
  const traceLines = async (trace: string) => (await readFile(trace, 'utf8').catch(() => '')).split('\n').filter(Boolean)
  /** Alive and not a zombie (an exited process its new parent has not reaped yet). */
  const isAlive = (pid: number) => {
    try {
      process.kill(pid, 0)
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
      return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z'
    } catch {
      return false
    }
  }
  /** Polls (no fixed sleep) until `check` holds; fails after about 20 s. */
  async function waitFor(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
    for (let i = 0; i < 400; i++) {
      if (await check()) return
      await new Promise((r) => setTimeout(r, 50))
    }
    throw new Error(`${what} did not happen within 20 s`)
  }
  function startRun(args: string[]) {
    const child = spawn(process.execPath, [BIN, 'run', ...args, '--executor', 'subprocess'], { cwd: project, env: { ...process.env, NO_COLOR: '1', CI: '1' }, stdio: ['ignore', 'ignore', 'ignore'] })
    return { child, exited: once(child, 'exit') }
  }

  beforeAll(async () => {
    project = await mkdtemp(join(root, 'orphans-'))
    await writeFile(join(project, 'package.json'), '{"name":"orphans","type":"module"}')
    await writeFile(join(project, 'h.ts'), HANDLERS)
    const params = 'params:\n  ms: { type: integer, default: 60000 }\n  block: { type: boolean, default: true }\n  gate: { type: string, default: gate }\n  trace: { type: string }\n'
    const sleepy = (name: string) => `    handler: ./h.ts#sleepy\n    inputs: { name: ${name}, ms: "\${{ params.ms }}", trace: "\${{ params.trace }}" }\n`
    await writeFile(join(project, 'pair.yaml'), `apiVersion: weir/v1\nkind: Pipeline\nname: pair\n${params}tasks:\n  a:\n${sleepy('a')}  b:\n${sleepy('b')}  c:\n${sleepy('c')}    needs: [a, b]\n`)
    await writeFile(
      join(project, 'blocked.yaml'),
      `apiVersion: weir/v1\nkind: Pipeline\nname: blocked\n${params}tasks:\n  busy:\n    handler: ./h.ts#blocker\n    inputs: { block: "\${{ params.block }}", gate: "\${{ params.gate }}", trace: "\${{ params.trace }}" }\n`,
    )
  })

  test('its task processes exit with it, and a resume runs each unfinished task once more', async () => {
    const trace = join(project, 'pair-trace.log')
    const { child, exited } = startRun(['pair.yaml', '--state-dir', 'state-pair', '--param', `trace=${trace}`])
    await waitFor(async () => (await traceLines(trace)).length === 2, 'both task processes starting their handlers')
    const pids = (await traceLines(trace)).map((line) => Number(line.split(' ')[1]))
    child.kill('SIGKILL')
    await exited
    try {
      await waitFor(() => pids.every((pid) => !isAlive(pid)), `task processes ${pids.join(', ')} exiting after their parent was killed`)
    } finally {
      for (const pid of pids.filter(isAlive)) process.kill(pid, 'SIGKILL')
    }

    const runId = (JSON.parse(weirIn(['runs', '--json', '--state-dir', 'state-pair']).stdout) as { runId: string }[])[0]!.runId
    const resumed = weirIn(['run', 'pair.yaml', '--state-dir', 'state-pair', '--resume', runId, '--param', 'ms=0', '--executor', 'subprocess', '--json'])
    expect(resumed.status, resumed.stderr).toBe(0)
    const names = (await traceLines(trace)).map((line) => line.split(' ')[0]).sort()
    expect(names).toEqual(['a', 'a', 'b', 'b', 'c'])
  }, 120_000)

  test('a resume is refused while a task process of the killed run still runs, and runs the task once it is gone', async () => {
    const trace = join(project, 'blocked-trace.log')
    const gate = join(project, 'blocked-gate')
    const { child, exited } = startRun(['blocked.yaml', '--state-dir', 'state-blocked', '--param', `trace=${trace}`, '--param', `gate=${gate}`])
    await waitFor(async () => (await traceLines(trace)).length === 1, 'the task process starting its handler')
    const pid = Number((await traceLines(trace))[0]!.split(' ')[1])
    child.kill('SIGKILL')
    await exited
    expect(isAlive(pid)).toBe(true) // busy: it cannot see its parent go

    const runId = (JSON.parse(weirIn(['runs', '--json', '--state-dir', 'state-blocked']).stdout) as { runId: string }[])[0]!.runId
    const resume = ['run', 'blocked.yaml', '--state-dir', 'state-blocked', '--resume', runId, '--param', 'block=false', '--executor', 'subprocess']
    try {
      const refused = weirIn(resume)
      expect(refused.status).toBe(2)
      expect(refused.stderr).toContain(`Run '${runId}' is still running (its process ${child.pid} is gone but its task process ${pid} still runs; one whose handler blocks in a loop never stops by itself: kill ${pid}); wait for it or stop it first.`)
      expect(await traceLines(trace)).toHaveLength(1)
    } finally {
      await writeFile(gate, '')
    }
    await waitFor(() => !isAlive(pid), `task process ${pid} exiting once its handler returns`)
    const resumed = weirIn(resume)
    expect(resumed.status, resumed.stderr).toBe(0)
    expect((await traceLines(trace)).map((line) => line.split(' ')[0])).toEqual(['blocker', 'blocker'])
  }, 120_000)
})

test("a task sees the run's trigger and scheduled time in a subprocess as in process: a resume, a scheduled run", async () => {
  const dir = await mkdtemp(join(root, 'trigger-'))
  await writeFile(join(dir, 'package.json'), '{"type":"module"}')
  await writeFile(join(dir, 'h.js'), "export const t = (i, ctx) => { ctx.values.set('seen', `${i.trigger} ${i.at}`); if (i.fail) throw new Error('not yet') }\n")
  await writeFile(
    join(dir, 'p.yaml'),
    'apiVersion: weir/v1\nkind: Pipeline\nname: trig\nparams:\n  fail: { type: boolean, default: false }\ntasks:\n  t:\n    handler: ./h.js#t\n    inputs: { trigger: "${{ run.trigger }}", at: "${{ run.scheduled_at }}", fail: "${{ params.fail }}" }\n    values: { seen: { type: string } }\n',
  )
  const seen = (executor: string, args: string[]): string => {
    const r = spawnSync(process.execPath, [BIN, 'run', 'p.yaml', '--executor', executor, ...args], { cwd: dir, encoding: 'utf8', timeout: 120_000 })
    const shown = spawnSync(process.execPath, [BIN, 'runs', 'show', 'latest', '--json'], { cwd: dir, encoding: 'utf8' })
    return (JSON.parse(shown.stdout) as { tasks: { t: { values?: { seen?: string } } } }).tasks.t.values?.seen ?? `(none: ${r.stderr})`
  }
  for (const executor of ['inprocess', 'subprocess']) {
    expect(seen(executor, [])).toBe('manual null')
    seen(executor, ['--param', 'fail=true'])
    expect(seen(executor, ['--resume', 'latest', '--param', 'fail=false'])).toBe('resume null')
  }
  // A scheduled run (as `weir schedule` starts one), through the library with the subprocess executor.
  const { validateSpecFile } = await import('../../src/spec/validate.ts')
  const { runPipeline } = await import('../../src/run-with-builtins.ts')
  const { subprocessExecutor } = await import('../../src/plugins/executors/subprocess/index.ts')
  const { pipeline } = await validateSpecFile(join(dir, 'p.yaml'))
  const result = await runPipeline(pipeline!, { executor: subprocessExecutor, trigger: 'schedule', scheduledAt: '2026-12-07T03:00:00.000Z', stateDir: join(dir, '.weir'), history: false })
  expect(result.tasks.t!.values).toEqual({ seen: 'schedule 2026-12-07T03:00:00.000Z' })
}, 120_000)
