// `npm run bench scheduler`: the runtime's own cost per task, with no-op tasks so that only
// scheduling, state changes, events and the run store's journal are measured (run history ON).
// Side by side, in the same process and on the same DAGs: p-graph (a published DAG promise runner)
// and a minimal Kahn's-algorithm executor (the floor: counters and a queue, nothing else).
// Goals (issue 3): < 20 µs/task at every size, 100k ≤ 12× the cost of 10k, < 1 KB of memory per task.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { PGraph } from 'p-graph'
import type { Pipeline, Task } from '../src/spec/model.ts'
import { DEFAULT_RETRY } from '../src/spec/normalize.ts'
import type { AttemptOutcome, Executor } from '../src/plugins/types.ts'
import { runPipeline } from '../src/runtime/run-pipeline.ts'

setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc') as () => void

const SIZES = [1_000, 10_000, 100_000]
const CONCURRENCY = 64
const SAMPLE_EVERY = 4096
const TASKS_PER_MEASURE = 200_000

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
  'layered random': (n) => {
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

function toPipeline(n: number, edges: Edges): Pipeline {
  const ids = Array.from({ length: n }, (_, i) => `t${i}`)
  const upstream: string[][] = ids.map(() => [])
  const downstream = new Map<string, string[]>(ids.map((id) => [id, []]))
  for (const [from, to] of edges) {
    upstream[to]!.push(ids[from]!)
    downstream.get(ids[from]!)!.push(ids[to]!)
  }
  const handler = { written: './noop.ts', modulePath: '/noop.ts', exportName: 'default' }
  const tasks = new Map<string, Task>()
  for (let i = 0; i < n; i++)
    tasks.set(ids[i]!, {
      id: ids[i]!, handler, inputs: {}, upstream: upstream[i]!, edges: [], output: { kind: 'any' }, values: {},
      retry: DEFAULT_RETRY, io: 'default', trigger: 'all_success', pointer: `/tasks/${ids[i]}`,
    })
  // Edges always point from a lower to a higher index, so index order is topological.
  return {
    apiVersion: 'weir/v1', name: 'bench', sourcePath: '/bench.yaml', specHash: '0', params: {}, types: {},
    io: { default: { name: 'default', type: 'memory', config: {} } }, tasks, order: ids, downstream, targets: {},
  }
}

interface Measure {
  /** Wall-clock time per task. */
  usPerTask: number
  /** CPU time (user + system) per task: what to compare on a busy machine. */
  cpuUsPerTask: number
  /** Peak heap growth during the run (includes garbage not yet collected). */
  bytesPerTask: number
  /** Heap still held after the run, with its result alive, after a full GC. */
  retainedBytesPerTask: number
}

let peak = 0
/** The last result, held here so the optimiser cannot drop it before we weigh it. */
const held: unknown[] = []
const sample = (): void => {
  const used = process.memoryUsage().heapUsed
  if (used > peak) peak = used
}

/**
 * Time: back-to-back runs until TASKS_PER_MEASURE tasks have run (100 runs of 1,000 tasks, 3 of
 * 100,000), averaged, so per-run noise on this shared machine evens out and the fixed cost of a run
 * (run folder, journal header, summary) is counted at its real share. Memory: one more run, from a
 * collected heap, sampling the peak; then what is still held with the result alive after a full GC.
 */
async function measure(n: number, fn: () => Promise<unknown>): Promise<Measure> {
  const repeats = Math.max(3, Math.ceil(TASKS_PER_MEASURE / n))
  gc()
  const cpu = process.cpuUsage()
  const start = process.hrtime.bigint()
  for (let r = 0; r < repeats; r++) await fn()
  const ns = Number(process.hrtime.bigint() - start)
  const used = process.cpuUsage(cpu)
  await collect()
  const base = process.memoryUsage().heapUsed
  peak = base
  held.push(await fn())
  sample()
  await collect()
  const retained = process.memoryUsage().heapUsed - base
  held.length = 0
  const tasks = n * repeats
  return {
    usPerTask: ns / 1000 / tasks,
    cpuUsPerTask: (used.user + used.system) / tasks,
    bytesPerTask: Math.max(0, peak - base) / n,
    retainedBytesPerTask: Math.max(0, retained) / n,
  }
}

/** Full collections until the heap stops shrinking (finalizers of file handles free more on a second pass). */
async function collect(): Promise<void> {
  let before = Infinity
  for (let i = 0; i < 5; i++) {
    gc()
    await new Promise((r) => setTimeout(r, 20))
    const now = process.memoryUsage().heapUsed
    if (now >= before - 64 * 1024) return
    before = now
  }
}

const SUCCEEDED: AttemptOutcome = { status: 'succeeded', values: {} }

async function benchWeir(pipeline: Pipeline, stateDir: string): Promise<Measure> {
  let count = 0
  const executor: Executor = {
    runAttempt: () => {
      if (++count % SAMPLE_EVERY === 0) sample()
      return Promise.resolve(SUCCEEDED)
    },
  }
  return measure(pipeline.order.length, async () => {
    const result = await runPipeline(pipeline, { executor, stateDir, concurrency: CONCURRENCY, onEvent: () => {} })
    if (result.status !== 'succeeded') throw new Error(`weir run ${result.status}`)
    return result
  })
}

async function benchPGraph(n: number, edges: Edges): Promise<Measure> {
  const ids = Array.from({ length: n }, (_, i) => `t${i}`)
  let count = 0
  return measure(n, async () => {
    const nodes = new Map(ids.map((id) => [id, {}]))
    const deps: [string, string][] = edges.map(([a, b]) => [ids[a]!, ids[b]!])
    await new PGraph(nodes, deps).run({
      concurrency: CONCURRENCY,
      run: () => {
        if (++count % SAMPLE_EVERY === 0) sample()
        return Promise.resolve()
      },
    })
  })
}

/** The floor: Kahn's algorithm with a concurrency limit, no statuses, no events, no history. */
async function benchKahn(n: number, edges: Edges): Promise<Measure> {
  let count = 0
  return measure(n, () => {
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
          if (++count % SAMPLE_EVERY === 0) sample()
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
  })
}

const fmt = (m: Measure): string =>
  `${m.usPerTask.toFixed(1).padStart(6)} ${m.cpuUsPerTask.toFixed(1).padStart(6)} ${(m.bytesPerTask / 1024).toFixed(2).padStart(5)} ${(m.retainedBytesPerTask / 1024).toFixed(2).padStart(5)}`

const stateRoot = await mkdtemp(join(tmpdir(), 'weir-bench-scheduler-'))
try {
  console.log(`no-op tasks, concurrency ${CONCURRENCY}, weir with run history on (journal + events + result; the graph index is cached per pipeline object, as in a schedule daemon)`)
  console.log('per task: wall µs, CPU µs (user+sys; the fair number on a busy machine), peak heap growth KB (garbage included),')
  console.log(`heap KB still held with the result alive after a full GC. Times: mean over ≥ ${TASKS_PER_MEASURE / 1000}k tasks of back-to-back runs\n`)
  const cols = '  wall    cpu  peak  held'
  console.log(`${''.padEnd(24)}   ${'weir'.padEnd(26)}   ${'p-graph'.padEnd(26)}   ${"Kahn's"}`)
  console.log(`${'shape'.padEnd(16)} ${'tasks'.padStart(7)}   ${cols.padEnd(26)}   ${cols.padEnd(26)}   ${cols}`)
  const weirAt = new Map<string, number>()
  let failed = false
  for (const [shape, makeEdges] of Object.entries(SHAPES)) {
    for (const n of SIZES) {
      const edges = makeEdges(n)
      const pipeline = toPipeline(n, edges)
      // Warm up (JIT) every contender on this shape first: we measure steady-state overhead, not compile time.
      if (n === SIZES[0])
        for (let w = 0; w < 2; w++) {
          await benchWeir(toPipeline(10_000, makeEdges(10_000)), join(stateRoot, `warm-${shape.replace(/\W/g, '')}-${w}`))
          await benchPGraph(10_000, makeEdges(10_000))
          await benchKahn(10_000, makeEdges(10_000))
        }
      const weir = await benchWeir(pipeline, join(stateRoot, `${shape.replace(/\W/g, '')}-${n}`))
      const pgraph = await benchPGraph(n, edges)
      const kahn = await benchKahn(n, edges)
      weirAt.set(`${shape}/${n}`, weir.cpuUsPerTask * n)
      console.log(`${shape.padEnd(16)} ${String(n).padStart(7)}   ${fmt(weir).padEnd(26)}   ${fmt(pgraph).padEnd(26)}   ${fmt(kahn)}`)
      if (weir.cpuUsPerTask >= 20 || weir.retainedBytesPerTask >= 1024) failed = true
    }
    const ratio = weirAt.get(`${shape}/100000`)! / weirAt.get(`${shape}/10000`)!
    console.log(`${''.padEnd(16)} weir 100k/10k total CPU cost: ${ratio.toFixed(1)}× (goal ≤ 12×)`)
    if (ratio > 12) failed = true
  }
  console.log(failed ? '\nGOAL MISSED (see above)' : '\nall goals met: < 20 µs CPU/task, < 1 KB/task, 100k ≤ 12× 10k')
} finally {
  await rm(stateRoot, { recursive: true, force: true })
}
