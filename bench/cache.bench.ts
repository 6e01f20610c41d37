// The added cost per task of a cache check on fs (issue 12), for 1,000 cached tasks of one handler
// module: on a miss (key made, index looked up, entry created after the task) and on a hit (key
// made, entry read, output checked to exist). Target: under 0.5 ms per task either way.
// Two misses are measured: the first run of a cache (every entry new, and the folders that hold
// entries created, as once in the life of a cache) and a later run after a change (param p
// changed: every key is new, the folders exist), which is the miss a user meets day to day.
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { validateSpec } from '../src/spec/validate.ts'
import { builtinCatalog } from '../src/plugins/catalog.ts'
import { fsIo } from '../src/plugins/io/fs/index.ts'
import { createIoManagers } from '../src/runtime/io-managers.ts'
import { createTaskCache } from '../src/runtime/cache/task-cache.ts'
import type { AttemptRequest } from '../src/plugins/types.ts'

const TASKS = 1000
const dir = await mkdtemp(join(tmpdir(), 'weir-cache-bench-'))
await mkdir(join(dir, 'handlers'))
await writeFile(join(dir, 'package.json'), '{"type":"module"}')
await writeFile(join(dir, 'handlers', 'lib.ts'), 'export const one = 1\n')
await writeFile(join(dir, 'handlers', 'h.ts'), "import { one } from './lib.ts'\nexport const t = (i: { up: unknown }) => ({ one, up: i.up })\n")
const tasks = Array.from({ length: TASKS }, (_, i) => `  t${i}:\n    handler: ./handlers/h.ts#t\n    inputs: { up: "\${{ tasks.${i === 0 ? 'src' : `t${i - 1}`}.output }}", n: ${i} }`).join('\n')
const yaml = `apiVersion: weir/v1\nkind: Pipeline\nname: bench\ndefaults:\n  cache: true\nparams:\n  p: { type: number, default: 1 }\ntasks:\n  src:\n    handler: ./handlers/h.ts#t\n${tasks}\n`
const { pipeline: validated } = await validateSpec(yaml, { path: join(dir, 'p.yaml'), checkHandlers: false, plugins: builtinCatalog() })
if (!validated) throw new Error('bench spec invalid')
const pipeline = validated
const silent = { debug() {}, info() {}, warn() {}, error() {} }
const env = { cwd: dir, stateDir: join(dir, '.weir'), log: silent }
const io = createIoManagers(pipeline, [fsIo as never], env)('default')
const signal = new AbortController().signal

// Each task's output, written once (not timed): the hit checks that it still exists.
const outputs = new Map<string, Awaited<ReturnType<typeof io.write>>>()
for (const id of pipeline.order) outputs.set(id, await io.write({ pipeline: 'bench', runId: 'seed', taskId: id }, { id }, { signal, log: silent, output: { kind: 'any' } }))

const request = (id: string, runId: string): AttemptRequest => {
  const task = pipeline.tasks.get(id)!
  const upstream = task.upstream[0]
  return {
    pipeline, task, runId, attempt: 1, params: { p: 1 }, upstreamOutputs: upstream ? { [upstream]: outputs.get(upstream)! } : {}, upstreamValues: {},
    signal, log: silent, run: { trigger: 'manual' },
  }
}

async function pass(root: string, runId: string, expect: 'miss' | 'hit', p = 1): Promise<{ check: number; fill: number; cpu: number }> {
  const own = fsIo.create({ root }, env)
  const ioManager = () => own
  const cache = createTaskCache({ ioManager, projectRoot: dir })
  const ids = pipeline.order.filter((id) => id !== 'src')
  let checkMs = 0
  let fillMs = 0
  const cpu0 = process.cpuUsage()
  for (const id of ids) {
    const r = { ...request(id, runId), params: { p } }
    const t0 = performance.now()
    const decision = await cache.check(r)
    const t1 = performance.now()
    checkMs += t1 - t0
    if (decision.kind !== expect) throw new Error(`${id}: expected a ${expect}, got ${decision.kind}`)
    if (decision.kind === 'miss') {
      await cache.fill(r, decision, { output: outputs.get(id)!, values: {} })
      fillMs += performance.now() - t1
    }
  }
  const cpu = process.cpuUsage(cpu0)
  return { check: checkMs / ids.length, fill: fillMs / ids.length, cpu: (cpu.user + cpu.system) / 1000 / ids.length }
}

// Each round is a new cache (its own root): its first run (every entry new, its folders made), a
// run that hits every task, and a run after a change (param p: every key new, the folders exist).
// Round 1 also pays for the JIT warming up; the medians over the rounds are the figures to quote.
// Besides the time of the checks, each pass reports the CPU time of this process (user + system)
// per task: on a shared machine the wall time includes waiting for a core, the CPU time does not,
// so it is the steadier figure to compare two versions with.
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5)
const rounds: { first: number; later: number; hit: number; firstCpu: number; laterCpu: number; hitCpu: number }[] = []
const total = (m: { check: number; fill: number }) => m.check + m.fill
for (let round = 1; round <= ROUNDS; round++) {
  const root = join(dir, `cache-${round}`)
  const first = await pass(root, `20261204-00000${round}-aaaaaa`, 'miss')
  const hit = await pass(root, `20261204-00000${round}-bbbbbb`, 'hit')
  const later = await pass(root, `20261204-00000${round}-cccccc`, 'miss', 2)
  rounds.push({ first: total(first), later: total(later), hit: hit.check, firstCpu: first.cpu, laterCpu: later.cpu, hitCpu: hit.cpu })
  console.log(`  round ${round}: first miss ${total(first).toFixed(3)} (check ${first.check.toFixed(3)} + fill ${first.fill.toFixed(3)}), later miss ${total(later).toFixed(3)} (check ${later.check.toFixed(3)} + fill ${later.fill.toFixed(3)}), hit ${hit.check.toFixed(3)} ms/task; cpu ${first.cpu.toFixed(3)} / ${later.cpu.toFixed(3)} / ${hit.cpu.toFixed(3)} ms/task`)
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
const m = { first: median(rounds.map((r) => r.first)), later: median(rounds.map((r) => r.later)), hit: median(rounds.map((r) => r.hit)) }
const cpu = { first: median(rounds.map((r) => r.firstCpu)), later: median(rounds.map((r) => r.laterCpu)), hit: median(rounds.map((r) => r.hitCpu)) }
console.log(`cache check on fs, ${TASKS} tasks, one handler module + one helper, median of ${ROUNDS} rounds:`)
console.log(`  miss, first run of a cache (entries and their folders created): ${m.first.toFixed(3)} ms/task (cpu ${cpu.first.toFixed(3)})`)
console.log(`  miss, a later run after a change                              : ${m.later.toFixed(3)} ms/task (cpu ${cpu.later.toFixed(3)})`)
console.log(`  hit (key + entry read + output exists)                         : ${m.hit.toFixed(3)} ms/task (cpu ${cpu.hit.toFixed(3)})`)
console.log(`  target < 0.5 ms/task (every case): ${m.first < 0.5 && m.later < 0.5 && m.hit < 0.5 ? 'met' : 'NOT met'}`)
await rm(dir, { recursive: true, force: true })
