// `npm run bench scheduler`: the cost per task of running a pipeline in process, no-op tasks, side by
// side with its peers on the same DAGs, each contender in its own Node process (so peak RSS is its own):
// - weir: the public `runPipeline` as it ships (src bundled by esbuild with scripts/build.mjs's settings,
//   as dist/ is: the bench's own jiti transform turns every imported name into a getter call, ~25% of
//   the runtime's own time, which no user pays), the default executor (each attempt in this process), a
//   real handler module on disk (a plain .mjs file, loaded and checked as a user's is), a fresh Pipeline object per
//   rep (the graph index is built in the timed part, as in `weir run`), run history ON (journal,
//   summary, task logs), and the same with run history OFF (`history: false`);
// - p-graph (a published DAG promise runner), a p-limit-style loop (one promise per task awaiting its
//   upstream, a limiter in front of the work), and a bare Kahn's-algorithm loop (the floor).
// Reported per task: wall µs (the headline: what a user waits), CPU µs (user+sys), and peak RSS growth
// over the process before the measured runs, in KB/task. BENCH_SIZES=1000,10000 BENCH_SHAPES=chain narrow it.
// Then the fixed cost per run: the median wall µs of a one-task run, for weir with and without
// history, p-graph, and the file floor (what a run with history must do on this disk at least:
// create the run's folder, its journal and its summary, which is three file creations).
// Goals (issue 16): weir ≤ p-graph wall µs/task at every size (goal ≤ 5 µs), a fixed cost per run ≤ 1 ms.
import { spawnSync } from 'node:child_process'
import { closeSync, mkdirSync, mkdtempSync, openSync, renameSync, rmSync, symlinkSync, writeFileSync, writeSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { PGraph } from 'p-graph'
import type { Pipeline, Task } from '../src/spec/model.ts'
import { DEFAULT_RETRY } from '../src/spec/normalize.ts'
import type { runPipeline as RunPipeline } from '../src/run-with-builtins.ts'

const SIZES = (process.env.BENCH_SIZES ?? '1000,10000,100000').split(',').map(Number)
const CONCURRENCY = 64
const TASKS_PER_MEASURE = Number(process.env.BENCH_TASKS ?? 200_000)
const CONTENDERS = ['weir', 'weir (no history)', 'p-graph', 'p-limit loop', "Kahn's loop"] as const
type Contender = (typeof CONTENDERS)[number]

type Edges = [from: number, to: number][]

/** A seeded PRNG (mulberry32), so every run benches the same random DAG. */
function seeded(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const SHAPES: Record<string, (n: number) => Edges> = {
  chain: (n) => Array.from({ length: n - 1 }, (_, i) => [i, i + 1]),
  'fan-out/fan-in': (n) => {
    const edges: Edges = []
    for (let i = 1; i < n - 1; i++) edges.push([0, i], [i, n - 1])
    return edges
  },
  layered: (n) => {
    const random = seeded(42)
    const width = Math.max(10, Math.round(Math.sqrt(n)))
    const edges: Edges = []
    for (let i = width; i < n; i++) {
      const layerStart = Math.floor(i / width) * width
      const picks = 1 + Math.floor(random() * 3)
      const seen = new Set<number>()
      for (let k = 0; k < picks; k++) {
        const from = layerStart - width + Math.floor(random() * width)
        if (!seen.has(from)) edges.push([from, i]), seen.add(from)
      }
    }
    return edges
  },
}
const shapeNames = (process.env.BENCH_SHAPES?.split(',') ?? Object.keys(SHAPES)).filter((s) => s in SHAPES)

/** A Pipeline as `validateSpec` makes it (topological order, downstream map), built fresh for each rep. */
function toPipeline(n: number, edges: Edges, project: string): Pipeline {
  const ids = Array.from({ length: n }, (_, i) => `t${i}`)
  const upstream: string[][] = ids.map(() => [])
  const downstream = new Map<string, string[]>(ids.map((id) => [id, []]))
  for (const [from, to] of edges) {
    upstream[to]!.push(ids[from]!)
    downstream.get(ids[from]!)!.push(ids[to]!)
  }
  const handler = { written: '../handlers/noop.mjs', modulePath: join(project, 'handlers/noop.mjs'), exportName: 'noop' }
  const tasks = new Map<string, Task>()
  for (let i = 0; i < n; i++)
    tasks.set(ids[i]!, {
      id: ids[i]!, handler, inputs: {}, upstream: upstream[i]!, edges: [], output: { kind: 'any' }, values: {},
      retry: DEFAULT_RETRY, io: 'default', trigger: 'all_success', pointer: `/tasks/${ids[i]}`,
    })
  // Edges always point from a lower to a higher index, so index order is topological.
  return {
    apiVersion: 'weir/v1', name: 'bench', sourcePath: join(project, 'pipelines/bench.yaml'), specHash: '0', params: {}, types: {},
    io: { default: { name: 'default', type: 'memory', config: {} } }, tasks, order: ids, downstream, targets: {},
  }
}

/** The project folder of the handler module: a package.json and handlers/noop.mjs. */
function makeProject(): string {
  const dir = mkdtempSync(join(tmpdir(), 'weir-bench-scheduler-'))
  mkdirSync(join(dir, 'handlers'))
  mkdirSync(join(dir, 'pipelines'))
  writeFileSync(join(dir, 'package.json'), '{ "name": "bench", "type": "module" }\n')
  writeFileSync(join(dir, 'handlers/noop.mjs'), 'export function noop() {}\n')
  return dir
}

/**
 * Bundles the public `runPipeline` as scripts/build.mjs bundles dist/ (esbuild, ESM, node20, the same
 * externals), from the current sources, into `dir`; returns the bundle's path. Children import it.
 */
async function bundleRunPipeline(dir: string): Promise<string> {
  const { build } = await import('esbuild')
  const { EXTERNAL } = (await import('../scripts/build-options.mjs')) as { EXTERNAL: string[] }
  const outfile = join(dir, 'run-pipeline.mjs')
  await build({
    entryPoints: [new URL('../src/run-with-builtins.ts', import.meta.url).pathname],
    outfile, bundle: true, format: 'esm', platform: 'node', target: 'node20', external: EXTERNAL, logLevel: 'warning',
    banner: { js: "import { createRequire as __weirCreateRequire } from 'node:module'; const require = __weirCreateRequire(import.meta.url);" },
  })
  // Node resolves the bundle's externals (ajv, jiti…) from its folder up: give it the project's packages.
  symlinkSync(new URL('../node_modules', import.meta.url).pathname, join(dir, 'node_modules'), 'dir')
  return outfile
}

/** The bundled `runPipeline` a child measures (WEIR_BENCH_BUNDLE); only weir's contenders load it. */
let bundled: typeof RunPipeline | undefined
async function loadRunPipeline(): Promise<typeof RunPipeline> {
  const path = process.env.WEIR_BENCH_BUNDLE
  if (!path) throw new Error('WEIR_BENCH_BUNDLE is not set: run the bench without arguments')
  return (bundled ??= ((await import(pathToFileURL(path).href)) as { runPipeline: typeof RunPipeline }).runPipeline)
}

/** One timed rep: builds what the contender needs (untimed), returns the ns its run took. */
type Rep = () => Promise<{ ns: number; cpuUs: number }>

function contenderRep(contender: Contender, n: number, edges: Edges, project: string, stateDir: string): Rep {
  const time = async (run: () => Promise<unknown>): Promise<{ ns: number; cpuUs: number }> => {
    const cpu = process.cpuUsage()
    const start = process.hrtime.bigint()
    await run()
    const ns = Number(process.hrtime.bigint() - start)
    const used = process.cpuUsage(cpu)
    return { ns, cpuUs: used.user + used.system }
  }
  const ids = Array.from({ length: n }, (_, i) => `t${i}`)
  switch (contender) {
    case 'weir':
    case 'weir (no history)': {
      const history = contender === 'weir'
      return async () => {
        const runPipeline = await loadRunPipeline()
        const pipeline = toPipeline(n, edges, project)
        return time(async () => {
          const result = await runPipeline(pipeline, { stateDir, concurrency: CONCURRENCY, onEvent: () => {}, ...(!history && { history: false }) })
          if (result.status !== 'succeeded') throw new Error(`weir run ${result.status}: ${JSON.stringify(Object.values(result.tasks).find((t) => t.error))}`)
        })
      }
    }
    case 'p-graph':
      return () =>
        time(async () => {
          const nodes = new Map(ids.map((id) => [id, {}]))
          const deps: [string, string][] = edges.map(([a, b]) => [ids[a]!, ids[b]!])
          await new PGraph(nodes, deps).run({ concurrency: CONCURRENCY, run: () => Promise.resolve() })
        })
    case 'p-limit loop':
      return () => time(() => pLimitLoop(n, edges))
    case "Kahn's loop":
      return () => time(() => kahn(n, edges))
  }
}

/** p-limit's shape: every task a promise that awaits its upstream, then a slot of the limiter. */
function pLimitLoop(n: number, edges: Edges): Promise<unknown> {
  const upstream: number[][] = Array.from({ length: n }, () => [])
  for (const [a, b] of edges) upstream[b]!.push(a)
  let active = 0
  const waiting: (() => void)[] = []
  const limit = async <T>(fn: () => Promise<T>): Promise<T> => {
    if (active >= CONCURRENCY) await new Promise<void>((r) => waiting.push(r))
    active++
    try {
      return await fn()
    } finally {
      active--
      waiting.shift()?.()
    }
  }
  const done: Promise<void>[] = new Array(n)
  for (let i = 0; i < n; i++) done[i] = Promise.all(upstream[i]!.map((u) => done[u]!)).then(() => limit(() => Promise.resolve()))
  return Promise.all(done)
}

/** The floor: Kahn's algorithm with a concurrency limit, no statuses, no events, no history. */
function kahn(n: number, edges: Edges): Promise<void> {
  const indegree = new Int32Array(n)
  const down: number[][] = Array.from({ length: n }, () => [])
  for (const [a, b] of edges) {
    indegree[b]!++
    down[a]!.push(b)
  }
  const queue: number[] = []
  for (let i = 0; i < n; i++) if (indegree[i] === 0) queue.push(i)
  let head = 0
  let running = 0
  let done = 0
  return new Promise<void>((resolve) => {
    const pump = (): void => {
      while (running < CONCURRENCY && head < queue.length) {
        const i = queue[head++]!
        running++
        void Promise.resolve().then(() => {
          running--
          done++
          for (const d of down[i]!) if (--indegree[d]! === 0) queue.push(d)
          if (done === n) resolve()
          else pump()
        })
      }
    }
    pump()
  })
}

interface Measure {
  wallUs: number
  cpuUs: number
  rssKb: number
}

/** Child process: warm up on small runs, then back-to-back reps until TASKS_PER_MEASURE tasks have run. */
async function measureChild(shape: string, n: number, contender: Contender): Promise<Measure> {
  const project = makeProject()
  try {
    const stateDir = join(project, '.weir')
    const warmN = Math.min(n, 1000)
    const warm = contenderRep(contender, warmN, SHAPES[shape]!(warmN), project, stateDir)
    for (let w = 0; w < 20; w++) await warm()
    const edges = SHAPES[shape]!(n)
    const rep = contenderRep(contender, n, edges, project, stateDir)
    const repeats = Math.max(3, Math.ceil(TASKS_PER_MEASURE / n))
    const rssBefore = process.resourceUsage().maxRSS
    let ns = 0
    let cpuUs = 0
    for (let r = 0; r < repeats; r++) {
      const m = await rep()
      ns += m.ns
      cpuUs += m.cpuUs
    }
    const tasks = n * repeats
    return { wallUs: ns / 1000 / tasks, cpuUs: cpuUs / tasks, rssKb: Math.max(0, process.resourceUsage().maxRSS - rssBefore) / n }
  } finally {
    rmSync(project, { recursive: true, force: true })
  }
}

const FIXED_CONTENDERS = ['weir', 'weir (no history)', 'p-graph', 'file floor'] as const
type FixedContender = (typeof FIXED_CONTENDERS)[number]

/** Child process: the median wall µs of a one-task run, after a warm-up. */
async function measureFixedChild(contender: FixedContender): Promise<{ medianUs: number }> {
  const project = makeProject()
  try {
    const stateDir = join(project, '.weir')
    let runs = 0
    const rep: Rep =
      contender === 'file floor'
        ? async () => {
            const start = process.hrtime.bigint()
            const dir = join(stateDir, 'runs', `floor-${runs++}`)
            mkdirSync(dir, { recursive: true })
            const fd = openSync(join(dir, 'journal.jsonl'), 'a')
            writeSync(fd, '{"e":"run"}\n')
            writeSync(fd, '{"e":"start"}\n{"e":"succeed"}\n')
            writeSync(fd, '{"e":"finish"}\n')
            closeSync(fd)
            writeFileSync(join(dir, '.summary.json.tmp'), '{}')
            renameSync(join(dir, '.summary.json.tmp'), join(dir, 'summary.json'))
            return { ns: Number(process.hrtime.bigint() - start), cpuUs: 0 }
          }
        : contenderRep(contender, 1, [], project, stateDir)
    for (let w = 0; w < 50; w++) await rep()
    const times: number[] = []
    for (let r = 0; r < FIXED_REPS; r++) times.push((await rep()).ns)
    times.sort((a, b) => a - b)
    return { medianUs: times[times.length >> 1]! / 1000 }
  } finally {
    rmSync(project, { recursive: true, force: true })
  }
}
const FIXED_REPS = Number(process.env.BENCH_FIXED_REPS ?? 500)

if (process.argv[2] === '--fixed') {
  process.stdout.write(JSON.stringify(await measureFixedChild(process.argv[3] as FixedContender)))
} else if (process.argv[2] === '--child') {
  const [shape, n, contender] = process.argv.slice(3)
  process.stdout.write(JSON.stringify(await measureChild(shape!, Number(n), contender as Contender)))
} else {
  const bundleDir = mkdtempSync(join(tmpdir(), 'weir-bench-bundle-'))
  const childEnv = { ...process.env, WEIR_BENCH_BUNDLE: await bundleRunPipeline(bundleDir) }
  const fmt = (m: Measure | undefined): string => (m ? `${m.wallUs.toFixed(1).padStart(6)} ${m.cpuUs.toFixed(1).padStart(6)} ${m.rssKb.toFixed(2).padStart(5)}` : '     (failed)      ')
  console.log(`no-op tasks, concurrency ${CONCURRENCY}, Node ${process.version}; each cell: wall µs/task, CPU µs/task, peak RSS growth KB/task`)
  console.log(`(mean over >= ${TASKS_PER_MEASURE / 1000}k tasks of back-to-back runs, each contender warmed up in its own process)\n`)
  console.log(`${'shape'.padEnd(15)} ${'tasks'.padStart(7)}   ${CONTENDERS.map((c) => c.padEnd(20)).join('  ')}`)
  let missed = false
  for (const shape of shapeNames) {
    for (const n of SIZES) {
      const row: (Measure | undefined)[] = []
      for (const contender of CONTENDERS) {
        const child = spawnSync(process.execPath, ['--import', 'jiti/register', '--max-old-space-size=4096', 'bench/scheduler.bench.ts', '--child', shape, String(n), contender], { encoding: 'utf8', maxBuffer: 1 << 24, env: childEnv })
        if (child.status !== 0) process.stderr.write(`${contender} ${shape} ${n}: exited ${child.status}\n${child.stderr}\n`)
        row.push(child.status === 0 ? (JSON.parse(child.stdout) as Measure) : undefined)
      }
      console.log(`${shape.padEnd(15)} ${String(n).padStart(7)}   ${row.map(fmt).join('  ')}`)
      const [weir, , pgraph] = row
      if (!weir || !pgraph || weir.wallUs > pgraph.wallUs) missed = true
    }
  }
  console.log(`\nfixed cost per run (median wall µs of ${FIXED_REPS} one-task runs):`)
  for (const contender of FIXED_CONTENDERS) {
    const child = spawnSync(process.execPath, ['--import', 'jiti/register', 'bench/scheduler.bench.ts', '--fixed', contender], { encoding: 'utf8', env: childEnv })
    if (child.status !== 0) process.stderr.write(`${contender} fixed: exited ${child.status}\n${child.stderr}\n`)
    console.log(`  ${contender.padEnd(20)} ${child.status === 0 ? (JSON.parse(child.stdout) as { medianUs: number }).medianUs.toFixed(0).padStart(6) : '(failed)'} µs`)
  }
  rmSync(bundleDir, { recursive: true, force: true })
  console.log(missed ? '\ngoal MISSED: weir (history on) above p-graph wall µs/task somewhere above' : '\ngoal met: weir (history on) at or below p-graph wall µs/task everywhere')
}
