// The added cost per task of a cache check on fs (issue 12), for 1,000 cached tasks of one handler
// module: on a miss (key made, index looked up, entry created after the task) and on a hit (key
// made, entry read, output checked to exist). Target: under 0.5 ms per task either way.
// Two misses are measured: the first run of a cache (each task's entry folder is created, as once
// in the life of a cache) and a later run after a change (param p changed: every key is new, the
// folders exist), which is the miss a user meets day to day.
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
const ioManager = createIoManagers(pipeline, [fsIo as never], env)
const io = ioManager('default')
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

async function pass(runId: string, expect: 'miss' | 'hit', p = 1): Promise<{ check: number; fill: number }> {
  const cache = createTaskCache({ ioManager, projectRoot: dir })
  const ids = pipeline.order.filter((id) => id !== 'src')
  let checkMs = 0
  let fillMs = 0
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
  return { check: checkMs / ids.length, fill: fillMs / ids.length }
}

const miss = await pass('20261204-000000-aaaaaa', 'miss')
const hit = await pass('20261204-000001-bbbbbb', 'hit')
const later = await pass('20261204-000002-cccccc', 'miss', 2)
const line = (name: string, m: { check: number; fill: number }) =>
  `  ${name}: check (key + lookup) ${m.check.toFixed(3)} ms/task + fill (entry created) ${m.fill.toFixed(3)} ms/task = ${(m.check + m.fill).toFixed(3)} ms/task`
console.log(`cache check on fs, ${TASKS} tasks, one handler module + one helper:`)
console.log(line('miss, first run of the cache (entry folders created)', miss))
console.log(line('miss, a later run after a change (folders exist)   ', later))
console.log(`  hit: check (key + entry read + output exists) ${hit.check.toFixed(3)} ms/task`)
console.log(`  target < 0.5 ms/task (later miss, hit): ${later.check + later.fill < 0.5 && hit.check < 0.5 ? 'met' : 'NOT met'}`)
await rm(dir, { recursive: true, force: true })
