// `npm run bench map`: the cost of one item of a mapped task (issue 11) against one ordinary task.
// Both run in process through the public `runPipeline`, no-op handlers from a module on disk, the
// memory IoManager, concurrency 64, run history ON (journal, summary) and OFF (`history: false`):
// - tasks: 10,000 independent ordinary tasks;
// - map:   one task mapped over a literal list of 10,000 items.
// Reported: wall and CPU µs per task / per item (median of the reps), the ratio (goal: an item
// within 1.5× of a task), and the memory a finished run's record holds per task / per item (the
// run replayed from its journal, as `weir runs show` and a resume do, heap measured after a forced GC).
// BENCH_N=… changes the size, BENCH_REPS=… the reps.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import type { Pipeline, Task } from '../src/spec/model.ts'
import { DEFAULT_RETRY } from '../src/spec/normalize.ts'
import { runPipeline } from '../src/run-with-builtins.ts'
import { parseJournal, replayJournal } from '../src/runtime/run-store/replay.ts'

const N = Number(process.env.BENCH_N ?? 10_000)
const REPS = Number(process.env.BENCH_REPS ?? 7)
const CONCURRENCY = 64

setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc') as () => void

function makeProject(): string {
  const dir = mkdtempSync(join(tmpdir(), 'weir-bench-map-'))
  mkdirSync(join(dir, 'handlers'))
  mkdirSync(join(dir, 'pipelines'))
  writeFileSync(join(dir, 'package.json'), '{ "name": "bench", "type": "module" }\n')
  writeFileSync(join(dir, 'handlers/noop.mjs'), 'export function noop() {}\n')
  return dir
}

function task(id: string, project: string, extra: Partial<Task> = {}): Task {
  const handler = { written: '../handlers/noop.mjs', modulePath: join(project, 'handlers/noop.mjs'), exportName: 'noop' }
  return { id, handler, inputs: {}, upstream: [], edges: [], output: { kind: 'any' }, values: {}, retry: DEFAULT_RETRY, io: 'default', trigger: 'all_success', pointer: `/tasks/${id}`, ...extra }
}

function pipelineOf(tasks: Task[], project: string): Pipeline {
  return {
    apiVersion: 'weir/v1', name: 'bench', sourcePath: join(project, 'pipelines/bench.yaml'), specHash: '0', params: {}, types: {},
    io: { default: { name: 'default', type: 'memory', config: {} } }, tasks: new Map(tasks.map((t) => [t.id, t])), order: tasks.map((t) => t.id),
    downstream: new Map(tasks.map((t) => [t.id, []])), targets: {},
  }
}

const shapes = {
  tasks: (project: string) => pipelineOf(Array.from({ length: N }, (_, i) => task(`t${i}`, project)), project),
  map: (project: string) => pipelineOf([task('m', project, { foreach: { source: { kind: 'literal', value: Array.from({ length: N }, (_, i) => i) }, pointer: '/tasks/m/foreach' } })], project),
}

async function timeRun(pipeline: Pipeline, stateDir: string, history: boolean, runId?: string): Promise<{ ns: number; cpuUs: number }> {
  const cpu = process.cpuUsage()
  const start = process.hrtime.bigint()
  const result = await runPipeline(pipeline, { stateDir, concurrency: CONCURRENCY, onEvent: () => {}, ...(!history && { history: false }), ...(runId && { runId }) })
  const ns = Number(process.hrtime.bigint() - start)
  const used = process.cpuUsage(cpu)
  if (result.status !== 'succeeded') throw new Error(`run ${result.status}`)
  return { ns, cpuUs: used.user + used.system }
}

/** Copies of a record held at once, so the measure is well above the heap's noise. */
const COPIES = 5

/** Lets pending I/O finish, then collects garbage until the heap stops shrinking. */
async function settle(): Promise<void> {
  for (let k = 0; k < 4; k++) {
    await new Promise((r) => setTimeout(r, 20))
    gc()
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

async function main(): Promise<void> {
  const project = makeProject()
  const stateDir = join(project, '.weir')
  try {
    console.log(`${N.toLocaleString('en-US')} ordinary tasks vs one map of ${N.toLocaleString('en-US')} items; no-op handlers, concurrency ${CONCURRENCY}, median of ${REPS} reps after a warm-up`)
    const rows: string[] = []
    for (const history of [true, false]) {
      const perUnit: Record<string, { wall: number; cpu: number }> = {}
      for (const [name, make] of Object.entries(shapes)) {
        await timeRun(make(project), stateDir, history)
        const walls: number[] = []
        const cpus: number[] = []
        for (let r = 0; r < REPS; r++) {
          gc()
          const { ns, cpuUs } = await timeRun(make(project), stateDir, history)
          walls.push(ns / 1000 / N)
          cpus.push(cpuUs / N)
        }
        perUnit[name] = { wall: median(walls), cpu: median(cpus) }
      }
      const label = history ? 'history on ' : 'history off'
      rows.push(
        `${label}  task: ${perUnit.tasks!.wall.toFixed(2)} µs wall, ${perUnit.tasks!.cpu.toFixed(2)} µs CPU   item: ${perUnit.map!.wall.toFixed(2)} µs wall, ${perUnit.map!.cpu.toFixed(2)} µs CPU   item/task: ${(perUnit.map!.wall / perUnit.tasks!.wall).toFixed(2)}× wall, ${(perUnit.map!.cpu / perUnit.tasks!.cpu).toFixed(2)}× CPU`,
      )
    }
    for (const row of rows) console.log(row)

    // Held memory: a finished run replayed from its journal, per task and per item.
    for (const [name, make] of Object.entries(shapes)) {
      const runId = `20260101-000000-${name === 'map' ? 'aaaaaa' : 'bbbbbb'}`
      await timeRun(make(project), stateDir, true, runId)
      const text = readFileSync(join(stateDir, 'runs', runId, 'journal.jsonl'), 'utf8')
      await settle()
      const before = process.memoryUsage().heapUsed
      const held = []
      for (let k = 0; k < COPIES; k++) held.push(replayJournal(parseJournal(text), '', () => false))
      await settle()
      const after = process.memoryUsage().heapUsed
      if (held.some((record) => !record)) throw new Error('run not found')
      if (process.env.BENCH_DEBUG) console.log(text.length, before, after, Object.values(held[0]!.tasks).length, Object.values(held[0]!.tasks)[0]?.items?.length)
      console.log(`held by a replayed run record: ${((after - before) / (N * COPIES)).toFixed(0)} bytes per ${name === 'map' ? 'item' : 'task'}`)
      // The async function's frame would keep this iteration's records alive into the next measure.
      held.length = 0
    }
  } finally {
    rmSync(project, { recursive: true, force: true })
  }
}

await main()
