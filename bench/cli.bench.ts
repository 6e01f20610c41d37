// `npm run bench cli`: what a user waits for at the command line, the built CLI in dist/, each command a
// fresh Node process, interleaved RUNS times with a bare `node -e 0` (medians):
// 1. `weir run` end to end (in process, journal on, the default display: plain, since stdout is a pipe)
//    and `weir spec validate`, on a layered DAG of no-op tasks (a plain .js handler module) of 1, 5,000
//    and 20,000 tasks, `--concurrency 8`: the per-task slope ((t(N) - t(1)) / (N - 1)), peak RSS, and
//    for the 20k run a CPU profile split into GC, YAML parse, validation, spec → pipeline, display,
//    the run store and the rest;
// 2. the subprocess executor (every task one `weir execute`): fan-out of 50 and a chain of 20, per
//    task against bare `node -e 0` spawns at the same concurrency;
// 3. `weir execute` of one no-op task (the first of its spec on the machine, which validates it in
//    full, then the next ones, which read the plan it kept), and `weir execute --help`, against `node -e 0`.
// Goals (issue 16): run <= 15 µs/task and validate <= 8 µs/task at 20k, peak RSS <= 2 KB/task,
// execute <= 1.3x node, the subprocess executor's per-task cost <= 1.3x a bare spawn, validate of one
// small spec <= 1.5x node. BENCH_RUNS (default 7), BENCH_PARTS=run,subprocess,execute narrow it.
import { spawn, spawnSync } from 'node:child_process'
import { pathToFileURL } from 'node:url'
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

const RUNS = Number(process.env.BENCH_RUNS ?? 7)
// NODE_EXTRA_CA_CERTS makes every Node process read and parse a certificate bundle at start (~35 ms
// for the 220 KB of Debian's, more than `node -e 0` itself). Some machines set it (these do); users'
// machines and engine containers usually don't, and it would hide weir's own start-up behind a larger
// `node -e 0`. So no measured process gets it: every ratio below is against a bare Node's start.
if (process.env.NODE_EXTRA_CA_CERTS !== undefined) {
  delete process.env.NODE_EXTRA_CA_CERTS
  console.log('(NODE_EXTRA_CA_CERTS is unset for every measured process: ratios are against a bare node -e 0)')
}
const PARTS = new Set((process.env.BENCH_PARTS ?? 'run,subprocess,execute').split(','))
const SIZES = [1, 5_000, 20_000]
// BENCH_ROOT: another build of weir (e.g. a copy of the tree before a change) to measure instead of this one.
// BENCH_BASE: a second build to measure beside it in part 1, interleaved run by run (an A/B on a busy
// machine: both see the same load), e.g. a copy of main's bin/, dist/ and package.json.
const root = resolve(process.env.BENCH_ROOT ?? resolve(import.meta.dirname, '..'))
const cli = join(root, 'bin/weir.js')
const baseRoot = process.env.BENCH_BASE ? resolve(process.env.BENCH_BASE) : undefined
for (const r of [root, ...(baseRoot ? [baseRoot] : [])])
  if (!existsSync(join(r, 'dist/cli/main.js'))) {
    console.error(`${r}: dist/ is missing: run \`npm run build\` first.`)
    process.exit(2)
  }

const project = mkdtempSync(join(tmpdir(), 'weir-bench-cli-'))
const rssFile = join(project, 'rss.txt')
// Preloaded into every measured process and the weir processes it starts (NODE_OPTIONS): on exit, each
// writes its peak RSS (KB) and the CPU time it used (µs, user + system).
// A CommonJS preload (--require): an ES module one (--import) would start Node's ES module loader
// (~5 ms) in every measured process, node -e 0 included, hiding what weir's own entries avoid.
const rssProbe = join(project, 'rss-probe.cjs')
writeFileSync(rssProbe, `const { appendFileSync } = require('node:fs')\nprocess.on('exit', () => { const u = process.resourceUsage(); appendFileSync(${JSON.stringify(rssFile)}, u.maxRSS + ' ' + (u.userCPUTime + u.systemCPUTime) + '\\n') })\n`)

/** A layered DAG of n no-op tasks (width ~sqrt(n), 1-3 upstream each in the layer before), as YAML. */
function layeredSpec(name: string, n: number, io = ''): string {
  let seed = 42
  const random = (): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff
    return seed / 0x80000000
  }
  const width = Math.max(10, Math.round(Math.sqrt(n)))
  let text = `apiVersion: weir/v1\nkind: Pipeline\nname: ${name}\n${io}tasks:\n`
  for (let i = 0; i < n; i++) {
    text += `  t${i}:\n    handler: ../handlers/noop.js#noop\n`
    if (i >= width) {
      const layerStart = Math.floor(i / width) * width
      const needs = new Set<number>()
      const picks = 1 + Math.floor(random() * 3)
      for (let k = 0; k < picks; k++) needs.add(layerStart - width + Math.floor(random() * width))
      text += `    needs: [${[...needs].map((d) => `t${d}`).join(', ')}]\n`
    }
  }
  return text
}

function fanOutSpec(n: number): string {
  let text = `apiVersion: weir/v1\nkind: Pipeline\nname: fan_${n}\ntasks:\n  root:\n    handler: ../handlers/noop.js#noop\n`
  for (let i = 1; i < n; i++) text += `  t${i}:\n    handler: ../handlers/noop.js#noop\n    needs: [root]\n`
  return text
}

function chainSpec(n: number): string {
  let text = `apiVersion: weir/v1\nkind: Pipeline\nname: chain_${n}\ntasks:\n`
  for (let i = 0; i < n; i++) text += `  t${i}:\n    handler: ../handlers/noop.js#noop\n${i > 0 ? `    needs: [t${i - 1}]\n` : ''}`
  return text
}

mkdirSync(join(project, 'handlers'))
mkdirSync(join(project, 'pipelines'))
writeFileSync(join(project, 'package.json'), '{ "name": "bench", "type": "module" }\n')
writeFileSync(join(project, 'handlers/noop.js'), 'export function noop() {}\n')
for (const n of SIZES) writeFileSync(join(project, `pipelines/layered_${n}.yaml`), layeredSpec(`layered_${n}`, n))
writeFileSync(join(project, 'pipelines/fan_50.yaml'), fanOutSpec(50))
writeFileSync(join(project, 'pipelines/chain_20.yaml'), chainSpec(20))
writeFileSync(join(project, 'pipelines/one.yaml'), layeredSpec('one', 1))
// The same task with a TypeScript handler (compiled by jiti; its compiled module is cached in the
// project's node_modules/.cache/jiti, as in a real project).
mkdirSync(join(project, 'node_modules'))
writeFileSync(join(project, 'handlers/noop-ts.ts'), 'export function noop(): void {}\n')
writeFileSync(join(project, 'pipelines/one_ts.yaml'), layeredSpec('one_ts', 1).replaceAll('noop.js#', 'noop-ts.ts#'))

interface Sample {
  /** Wall time. */
  ms: number
  /** CPU time (user + system) of the process and of the Node processes it started: the fair number on a busy machine. */
  cpuMs: number
  /** The largest peak RSS of those processes. */
  rssKb: number
}

/** Runs one command in `project`, returns its wall time and peak RSS; throws on a non-zero exit. */
function time(args: readonly string[], env: Record<string, string> = {}): Sample {
  rmSync(rssFile, { force: true })
  const start = performance.now()
  const result = spawnSync(process.execPath, args, { cwd: project, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 28, env: { ...process.env, NODE_OPTIONS: `--require ${rssProbe}`, ...env } })
  const ms = performance.now() - start
  if (result.status !== 0) throw new Error(`${args.join(' ')} exited ${result.status}:\n${String(result.stdout).slice(-2000)}${String(result.stderr).slice(-2000)}`)
  const lines = existsSync(rssFile) ? readFileSync(rssFile, 'utf8').trim().split('\n').map((l) => l.split(' ').map(Number)) : []
  return { ms, rssKb: Math.max(0, ...lines.map((l) => l[0]!)), cpuMs: lines.reduce((sum, l) => sum + l[1]!, 0) / 1000 }
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!

/** Every case RUNS times, interleaved; returns the median wall ms and median peak RSS of each. */
function interleave(cases: readonly { name: string; run: () => Sample }[]): Map<string, Sample> {
  const samples = new Map(cases.map((c) => [c.name, [] as Sample[]]))
  for (const c of cases) c.run() // warm the file system cache
  for (let r = 0; r < RUNS; r++) for (const c of cases) samples.get(c.name)!.push(c.run())
  return new Map([...samples].map(([name, s]) => [name, { ms: median(s.map((x) => x.ms)), cpuMs: median(s.map((x) => x.cpuMs)), rssKb: median(s.map((x) => x.rssKb)) }]))
}

const node = (): Sample => time(['-e', '0'])
const weir = (...args: string[]): (() => Sample) => () => time([cli, ...args])
/** The builds part 1 measures: this one, and BENCH_BASE's as `base`. */
const builds: { label: string; cli: string }[] = [{ label: '', cli }, ...(baseRoot ? [{ label: 'base ', cli: join(baseRoot, 'bin/weir.js') }] : [])]
let stateN = 0
const freshState = (): string => `.weir-${stateN++}`

/**
 * Categories of CPU profile samples, by the nearest enclosing function that names one. Code after an
 * `await` runs from the microtask queue, outside its caller's frame: the rules and the run loop's
 * steps are named themselves, or their samples would count as "other".
 */
const CATEGORIES: [category: string, functions: readonly string[]][] = [
  ['display', ['describeEvent', 'onEvent', 'formatSummary']],
  ['run store (journal, logs, summary)', ['openRun', 'record', 'commit', 'finish', 'writePending', 'flushQueued', 'writeQueued']],
  ['YAML parse', ['parseFast', 'parseSpecText', 'readBlockYaml']],
  ['validate: schema', ['checkShape']],
  ['validate: rules', ['checkData', 'collectSpecView', 'reservedKeys', 'referenceSyntax', 'unknownRefs', 'foreachRule', 'cycles', 'ioNames', 'typeRefs', 'scheduleRule', 'handlers', 'paramSchemas', 'targets', 'commandTemplates', 'unusedParams', 'toleratedFailureInputs']],
  ['spec -> pipeline (normalize)', ['normalizeSpec']],
  ['runtime (loop, scheduler, attempts)', ['runPipeline', 'runLoop', 'runTaskAttempt', 'runTask', 'runPlanned', 'runAttempt', 'runInProcess', 'changeTask', 'settle']],
]

interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string }
  children?: number[]
}

/** Splits a .cpuprofile's samples into CATEGORIES, GC, module loading and other. */
function profileShares(file: string): [string, number][] {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] }
  const parent = new Map<number, number>()
  const byId = new Map<number, ProfileNode>()
  for (const n of profile.nodes) {
    byId.set(n.id, n)
    for (const c of n.children ?? []) parent.set(c, n.id)
  }
  const categoryOf = new Map<number, string>()
  const classify = (id: number): string => {
    const known = categoryOf.get(id)
    if (known) return known
    const name = byId.get(id)!.callFrame.functionName
    let category: string
    if (name === '(garbage collector)') category = 'GC'
    else if (name === '(idle)') category = 'idle (waiting for I/O)'
    else {
      const found = CATEGORIES.find(([, names]) => names.includes(name))
      if (found) category = found[0]
      else {
        const up = parent.get(id)
        category = up === undefined ? 'start-up and other' : classify(up)
      }
    }
    categoryOf.set(id, category)
    return category
  }
  const totals = new Map<string, number>()
  let all = 0
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0
    all += dt
    const c = classify(id)
    totals.set(c, (totals.get(c) ?? 0) + dt)
  })
  return [...totals].sort((a, b) => b[1] - a[1]).map(([c, t]) => [c, t / all])
}

/** A fan-out of `n` bare `node -e 0` processes, at most `concurrency` at once; resolves with the wall ms. */
async function bareSpawns(n: number, concurrency: number, chain: boolean): Promise<number> {
  const start = performance.now()
  let next = 0
  const one = (): Promise<void> => new Promise((res, rej) => spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' }).once('exit', (code) => (code === 0 ? res() : rej(new Error(`exit ${code}`)))))
  if (chain) for (let i = 0; i < n; i++) await one()
  else
    await Promise.all(
      Array.from({ length: Math.min(concurrency, n) }, async () => {
        while (next++ < n) await one()
      }),
    )
  return performance.now() - start
}

try {
  console.log(`Node ${process.version}, medians of ${RUNS} interleaved runs, each a fresh process`)
  const bare = interleave([{ name: 'node', run: node }]).get('node')!.ms

  if (PARTS.has('run')) {
    console.log(`\n## weir run / weir spec validate, layered DAG of no-op tasks (plain .js handler), --concurrency 8, journal on, plain display`)
    const cases = [{ name: 'node -e 0', run: node }]
    for (const n of SIZES)
      for (const b of builds) {
        cases.push({ name: `${b.label}run ${n}`, run: () => time([b.cli, 'run', `pipelines/layered_${n}.yaml`, '--concurrency', '8', '--state-dir', freshState()]) })
        cases.push({ name: `${b.label}validate ${n}`, run: () => time([b.cli, 'spec', 'validate', `pipelines/layered_${n}.yaml`]) })
      }
    const m = interleave(cases)
    const node0 = m.get('node -e 0')!.ms
    const cpu0 = m.get('node -e 0')!.cpuMs
    const last = SIZES.at(-1)!
    for (const { label } of builds) {
      if (builds.length > 1) console.log(`  ${label === '' ? `this build (${root})` : `base (${baseRoot})`}:`)
      console.log(`  ${'command'.padEnd(21)} ${'wall ms'.padStart(8)} ${'x node'.padStart(6)}  ${'CPU ms'.padStart(7)} ${'x node'.padStart(6)}  ${'peak RSS MB'.padStart(11)}  slope from 1 task: wall, CPU, RSS`)
      const slope = (kind: string, n: number, key: 'ms' | 'cpuMs'): number => ((m.get(`${label}${kind} ${n}`)![key] - m.get(`${label}${kind} 1`)![key]) * 1000) / (n - 1)
      for (const kind of ['run', 'validate']) {
        const one = m.get(`${label}${kind} 1`)!
        for (const n of SIZES) {
          const s = m.get(`${label}${kind} ${n}`)!
          const slopes = n === 1 ? '' : `${slope(kind, n, 'ms').toFixed(1)} µs/task, ${slope(kind, n, 'cpuMs').toFixed(1)} µs/task, ${(((s.rssKb - one.rssKb) * 1024) / n / 1024).toFixed(2)} KB/task`
          console.log(`  ${`${label}${kind} ${n}`.padEnd(21)} ${s.ms.toFixed(0).padStart(8)} ${(s.ms / node0).toFixed(2).padStart(6)}  ${s.cpuMs.toFixed(0).padStart(7)} ${(s.cpuMs / cpu0).toFixed(2).padStart(6)}  ${(s.rssKb / 1024).toFixed(0).padStart(11)}  ${slopes}`)
        }
      }
      const runSlope = slope('run', last, 'ms')
      const validateSlope = slope('validate', last, 'ms')
      const rssPerTask = ((m.get(`${label}run ${last}`)!.rssKb - m.get(`${label}run 1`)!.rssKb) * 1024) / last
      console.log(`  goals at ${last} (wall): run <= 15 µs/task ${runSlope <= 15 ? 'met' : 'MISSED'} (${runSlope.toFixed(1)}; CPU ${slope('run', last, 'cpuMs').toFixed(1)}); validate <= 8 µs/task ${validateSlope <= 8 ? 'met' : 'MISSED'} (${validateSlope.toFixed(1)}; CPU ${slope('validate', last, 'cpuMs').toFixed(1)}); peak RSS <= 2 KB/task ${rssPerTask <= 2048 ? 'met' : 'MISSED'} (${(rssPerTask / 1024).toFixed(2)} KB)`)
      const v1 = m.get(`${label}validate 1`)!.ms / node0
      console.log(`  validate of a 1-task spec <= 1.5x node: ${v1 <= 1.5 ? 'met' : 'MISSED'} (wall ${v1.toFixed(2)}x, CPU ${(m.get(`${label}validate 1`)!.cpuMs / cpu0).toFixed(2)}x)`)
    }

    const profDir = join(project, 'prof')
    for (const [, args] of [
      [`run ${last}`, ['run', `pipelines/layered_${last}.yaml`, '--concurrency', '8', '--state-dir', freshState()]],
      [`validate ${last}`, ['spec', 'validate', `pipelines/layered_${last}.yaml`]],
    ] as const) {
      rmSync(profDir, { recursive: true, force: true })
      time(['--cpu-prof', '--cpu-prof-dir', profDir, cli, ...args])
      const file = readdirSync(profDir).find((f) => f.endsWith('.cpuprofile'))!
      console.log(`  CPU profile of \`weir ${args.join(' ')}\` (--cpu-prof), share of samples:`)
      for (const [c, share] of profileShares(join(profDir, file))) if (share >= 0.005) console.log(`    ${(share * 100).toFixed(1).padStart(5)}%  ${c}`)
    }
    const straced = spawnSync('strace', ['-f', '-c', '-e', 'trace=write', process.execPath, cli, 'run', `pipelines/layered_${last}.yaml`, '--concurrency', '8', '--state-dir', freshState()], { cwd: project, encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 26 })
    // strace -c's table: % time, seconds, usecs/call, calls, [errors,] syscall.
    const row = (straced.stderr ?? '').split('\n').map((l) => l.trim().split(/\s+/)).find((f) => f.at(-1) === 'write')
    if (straced.status === 0 && row) console.log(`  write() system calls of the ${last}-task run (strace -f -c): ${row[3]}`)
  }

  if (PARTS.has('subprocess')) {
    console.log(`\n## --executor subprocess (each task one \`weir execute\`) vs bare \`node -e 0\` spawns at the same concurrency`)
    const runs: [string, string, number, number, boolean][] = [
      ['fan-out of 50', 'pipelines/fan_50.yaml', 50, 8, false],
      ['chain of 20', 'pipelines/chain_20.yaml', 20, 1, true],
    ]
    for (const [label, spec, n, concurrency, chain] of runs) {
      const weirRuns: Sample[] = []
      const oneRuns: Sample[] = []
      const bareMs: number[] = []
      const bareCpuMs: number[] = []
      for (let r = 0; r < Math.max(3, Math.ceil(RUNS / 2)); r++) {
        const state = freshState()
        weirRuns.push(time([cli, 'run', spec, '--executor', 'subprocess', '--concurrency', String(concurrency), '--state-dir', state]))
        oneRuns.push(time([cli, 'run', 'pipelines/one.yaml', '--executor', 'subprocess', '--state-dir', state]))
        bareMs.push(await bareSpawns(n, concurrency, chain))
        bareCpuMs.push(time(['-e', '0']).cpuMs * n)
      }
      // The run's own fixed cost (start, validate, one task) is taken off by the 1-task run.
      const perTask = (median(weirRuns.map((s) => s.ms)) - median(oneRuns.map((s) => s.ms))) / (n - 1)
      const cpuPerTask = (median(weirRuns.map((s) => s.cpuMs)) - median(oneRuns.map((s) => s.cpuMs))) / (n - 1)
      const perSpawn = median(bareMs) / n
      const cpuPerSpawn = median(bareCpuMs) / n
      console.log(`  ${label.padEnd(14)} concurrency ${concurrency}: wall: weir ${perTask.toFixed(1)} ms/task, node -e 0 ${perSpawn.toFixed(1)} ms/spawn: ${(perTask / perSpawn).toFixed(2)}x; CPU: ${cpuPerTask.toFixed(1)} vs ${cpuPerSpawn.toFixed(1)} ms: ${(cpuPerTask / cpuPerSpawn).toFixed(2)}x (goal <= 1.3x)`)
    }
  }

  if (PARTS.has('execute')) {
    console.log(`\n## one \`weir execute\` of a no-op task vs \`node -e 0\``)
    const oneHash = createHash('sha256').update(readFileSync(join(project, 'pipelines/one.yaml'))).digest('hex')
    // The plan a `weir run --executor subprocess` of one.yaml wrote, if this build writes plans.
    const planRun = freshState()
    time([cli, 'run', 'pipelines/one.yaml', '--executor', 'subprocess', '--state-dir', planRun])
    const planFolder = join(project, planRun, 'execute')
    const onePlan = readdirSync(planFolder, { recursive: true, encoding: 'utf8' }).filter((f) => /spec-plan-[0-9a-f]+\.json$/.test(f)).map((f) => join(planFolder, f))[0]
    console.log(`  (the run's spec plan: ${onePlan ? 'written, passed as WEIR_SPEC_PLAN' : 'none in this build'})`)
    const executeArgs = (): string[] => [cli, 'execute', '--spec', 'pipelines/one.yaml', '--task', 't0', '--run-id', `bench-${stateN++}`, '--state-dir', '.weir-execute']
    // The plans `weir execute` keeps of a spec it validated (src/cli/execute-plan-cache.ts), forgotten
    // before the row that measures the first `weir execute` of a spec on a machine; it keeps one again,
    // which the next row reads.
    const forgetKeptPlans = (): void => {
      for (const f of readdirSync(join(root, 'dist/cli'))) if (f.endsWith('.plans')) rmSync(join(root, 'dist/cli', f), { recursive: true, force: true })
    }
    const m = interleave([
      { name: 'node -e 0', run: node },
      {
        name: 'weir execute (first of its spec)',
        run: () => {
          forgetKeptPlans()
          return time(executeArgs())
        },
      },
      { name: 'weir execute (no-op task)', run: () => time(executeArgs()) },
      // As the subprocess executor starts it: with the hash of the spec the run validated, and the
      // run's spec plan (its data as JSON) when this build writes one (WEIR_SPEC_PLAN).
      { name: 'weir execute (from weir run)', run: () => time(executeArgs(), { WEIR_SPEC_SHA256: oneHash, ...(onePlan && { WEIR_SPEC_PLAN: onePlan }) }) },
      { name: 'weir execute (TypeScript)', run: () => time([cli, 'execute', '--spec', 'pipelines/one_ts.yaml', '--task', 't0', '--run-id', `bench-${stateN++}`, '--state-dir', '.weir-execute']) },
      // The floor for a handler written as an ES module: Node's ES module loader starts for it.
      { name: 'node, import(handler)', run: () => time(['-e', `import(${JSON.stringify(pathToFileURL(join(project, 'handlers/noop.js')).href)})`]) },
      { name: 'weir execute --help', run: weir('execute', '--help') },
      { name: 'weir spec validate (1 task)', run: weir('spec', 'validate', 'pipelines/one.yaml') },
      { name: 'weir --version', run: weir('--version') },
    ])
    const node0 = m.get('node -e 0')!.ms
    const cpu0 = m.get('node -e 0')!.cpuMs
    for (const [name, s] of m) console.log(`  ${name.padEnd(30)} wall ${s.ms.toFixed(0).padStart(5)} ms ${(s.ms / node0).toFixed(2)}x node   CPU ${s.cpuMs.toFixed(0).padStart(4)} ms ${(s.cpuMs / cpu0).toFixed(2)}x node   ${(s.rssKb / 1024).toFixed(0)} MB`)
    const ratio = m.get('weir execute (no-op task)')!.ms / node0
    console.log(`  goal: execute <= 1.3x node: ${ratio <= 1.3 ? 'met' : 'MISSED'} (wall ${ratio.toFixed(2)}x, CPU ${(m.get('weir execute (no-op task)')!.cpuMs / cpu0).toFixed(2)}x)`)
  }
  void bare
} finally {
  rmSync(project, { recursive: true, force: true })
}
