/**
 * `weir run` of mapped tasks end to end (issue 11, docs/fan-out.md): a 1,000-item map in process
 * with its fan-in, the same map killed with kill -9 in the middle and resumed (only the items
 * whose success was not in the journal run again, every item's output is there once), and a map
 * under `--executor subprocess`, each item a `weir execute --item-index N` process; and, under both
 * executors, the list of a map's values, `null` for an item that set none or failed.
 *
 * Under subprocess the fan-in task gets the item outputs through its inputs.json (map → map under
 * `weir execute`: test/e2e/run-map-over-map-kinds.test.ts). A task process costs a Node start (about a
 * second on a loaded machine), so that map has `WEIR_E2E_SUBPROCESS_ITEMS` items (default 40); the
 * 1,000-item subprocess run is `WEIR_E2E_SUBPROCESS_ITEMS=1000`.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { spawnSync } from 'node:child_process'
import { mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const BIN = resolve('bin/weir.js')
const SUBPROCESS_ITEMS = Number(process.env.WEIR_E2E_SUBPROCESS_ITEMS ?? 40)
let project: string

function weir(args: string[], timeout = 120_000) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: project, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', CI: '1' }, timeout })
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr }
}

const HANDLERS = `
import { appendFileSync } from 'node:fs'
export const list = (inputs) => Array.from({ length: inputs.n }, (_, i) => i)
export function square(inputs) {
  if (inputs.kill && inputs.i === inputs.killAt) process.kill(process.pid, 'SIGKILL')
  if (inputs.trace) appendFileSync(inputs.trace, inputs.i + '\\n')
  return { i: inputs.i, sq: inputs.x * inputs.x }
}
export const total = (inputs) => ({ count: inputs.all.length, sum: inputs.all.reduce((s, o) => s + o.sq, 0), order: inputs.all.every((o, k) => o.i === k) })
export function maybeSet(inputs, ctx) {
  if (inputs.x === 3) throw new Error('item 3 fails')
  if (inputs.x === 1) ctx.values.set('v', 10)
  return inputs.x
}
const kind = (x) => (x === null ? 'null' : typeof x)
export const showValues = (inputs, ctx) => ({ input: inputs.v.map(kind), get: ctx.values.get('m', 'v').map(kind) })
export const listKinds = (inputs, ctx) => ({ quiet: inputs.quiet.map(kind), none: inputs.none, get: ctx.values.get('quiet', 'v').map(kind) })
`

/** A map whose items set a value or not, or fail, and the task that reads the list of values. */
const VALUES_SPEC = `apiVersion: weir/v1
kind: Pipeline
name: values
tasks:
  m:
    handler: ./handlers/h.ts#maybeSet
    foreach: [0, 1, 2, 3]
    inputs: { x: "\${{ item }}" }
    values: { v: { type: integer } }
  show:
    handler: ./handlers/h.ts#showValues
    inputs: { v: "\${{ tasks.m.values.v }}" }
    trigger: all_done
  quiet:
    handler: ./handlers/h.ts#maybeSet
    foreach: [0, 2]
    inputs: { x: "\${{ item }}" }
    values: { v: { type: integer } }
  none:
    handler: ./handlers/h.ts#maybeSet
    foreach: []
    inputs: { x: "\${{ item }}" }
    values: { v: { type: integer } }
  unset:
    handler: ./handlers/h.ts#listKinds
    inputs: { quiet: "\${{ tasks.quiet.values.v }}", none: "\${{ tasks.none.values.v }}" }
`

const SPEC = (name: string) => `apiVersion: weir/v1
kind: Pipeline
name: ${name}
params:
  n: { type: integer, default: 1000 }
  kill: { type: boolean, default: false }
  kill_at: { type: integer, default: 500 }
  trace: { type: string, default: "" }
tasks:
  list:
    handler: ./handlers/h.ts#list
    inputs: { n: "\${{ params.n }}" }
    output: { type: array, items: { type: integer } }
  m:
    handler: ./handlers/h.ts#square
    foreach: \${{ tasks.list.output }}
    inputs: { x: "\${{ item }}", i: "\${{ item_index }}", kill: "\${{ params.kill }}", killAt: "\${{ params.kill_at }}", trace: "\${{ params.trace }}" }
  total:
    handler: ./handlers/h.ts#total
    inputs: { all: "\${{ tasks.m.output }}" }
`

const sumOfSquares = (n: number) => ((n - 1) * n * (2 * n - 1)) / 6

/** Every `output.json` of task `m`'s items below `dir`, by item index. */
async function itemOutputs(dir: string): Promise<Map<number, string[]>> {
  const found = new Map<number, string[]>()
  const walk = async (folder: string): Promise<void> => {
    for (const entry of await readdir(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name)
      if (entry.isDirectory()) await walk(path)
      else if (entry.name === 'output.json') {
        const match = /[\\/]m[\\/]items[\\/](\d+)[\\/]output\.json$/.exec(path)
        if (match) found.set(Number(match[1]), [...(found.get(Number(match[1])) ?? []), path])
      }
    }
  }
  await walk(dir)
  return found
}

interface ShownTask {
  status: string
  items?: { status: string; output?: { uri: string }; reusedFrom?: string }[]
}

beforeAll(async () => {
  project = await mkdtemp(join(tmpdir(), 'weir-e2e-map-'))
  await writeFile(join(project, 'package.json'), '{"name":"e2e-map","type":"module"}')
  await mkdir(join(project, 'handlers'))
  await writeFile(join(project, 'handlers', 'h.ts'), HANDLERS)
  await writeFile(join(project, 'map.yaml'), SPEC('map'))
  await writeFile(join(project, 'values.yaml'), VALUES_SPEC)
})

afterAll(async () => {
  await rm(project, { recursive: true, force: true })
})

describe('weir run of a mapped task', () => {
  test('1,000 items in process: every item runs, each output stored under its own key, the fan-in gets them in item order', async () => {
    const r = weir(['run', 'map.yaml', '--state-dir', 'state-inprocess', '--json'])
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    const result = JSON.parse(r.stdout) as { tasks: Record<string, { status: string; output?: string; items?: unknown }> }
    expect(result.tasks.m).toMatchObject({ status: 'succeeded', items: { total: 1000, succeeded: 1000, failed: 0 } })
    const total = JSON.parse(await readFile(fileURLToPath(result.tasks.total!.output!), 'utf8')) as unknown
    expect(total).toEqual({ count: 1000, sum: sumOfSquares(1000), order: true })
    const outputs = await itemOutputs(join(project, 'state-inprocess'))
    expect(outputs.size).toBe(1000)
    expect([...outputs.values()].every((paths) => paths.length === 1)).toBe(true)
    // The row of the map in `weir runs show`.
    const [run] = JSON.parse(weir(['runs', '--json', '--state-dir', 'state-inprocess']).stdout) as { runId: string }[]
    expect(weir(['runs', 'show', run!.runId, '--state-dir', 'state-inprocess']).stdout).toMatch(/items +▸ 1,000\/1,000 succeeded/)
  }, 120_000)

  test('kill -9 in the middle, then --resume: only the items without a journaled success run again, and every item has exactly one output', async () => {
    const trace = join(project, 'kill-trace.log')
    const args = ['--state-dir', 'state-kill', '--param', `trace=${trace}`]
    const killed = weir(['run', 'map.yaml', ...args, '--param', 'kill=true'])
    expect(killed.signal).toBe('SIGKILL')
    const [run] = JSON.parse(weir(['runs', '--json', '--state-dir', 'state-kill']).stdout) as { runId: string; status: string }[]
    expect(run).toMatchObject({ status: 'interrupted' })
    const before = JSON.parse(weir(['runs', 'show', run!.runId, '--json', '--state-dir', 'state-kill']).stdout) as { tasks: Record<string, ShownTask> }
    const doneBefore = new Set(before.tasks.m!.items!.flatMap((item, k) => (item.status === 'succeeded' ? [k] : [])))
    expect(doneBefore.size).toBeGreaterThan(0)
    expect(doneBefore.size).toBeLessThan(1000)
    expect(doneBefore.has(500)).toBe(false)
    const ranBefore = (await readFile(trace, 'utf8')).split('\n').filter(Boolean).length

    const resumed = weir(['run', 'map.yaml', ...args, '--resume', run!.runId, '--param', 'kill=false', '--json'])
    expect(resumed.code).toBe(0)
    const result = JSON.parse(resumed.stdout) as { runId: string; tasks: Record<string, { status: string; output?: string }> }
    expect(JSON.parse(await readFile(fileURLToPath(result.tasks.total!.output!), 'utf8'))).toEqual({ count: 1000, sum: sumOfSquares(1000), order: true })
    // The resume ran exactly the items that had not succeeded (the trace is appended by each run of an item).
    const ranAfter = (await readFile(trace, 'utf8')).split('\n').filter(Boolean).slice(ranBefore).map(Number)
    expect(new Set(ranAfter).size).toBe(ranAfter.length)
    expect(ranAfter.filter((k) => doneBefore.has(k))).toEqual([])
    expect(ranAfter.length + doneBefore.size).toBe(1000)
    // Each item's output: one ref per item, the earlier run's for reused items, all distinct and present.
    const after = JSON.parse(weir(['runs', 'show', result.runId, '--json', '--state-dir', 'state-kill']).stdout) as { tasks: Record<string, ShownTask> }
    const items = after.tasks.m!.items!
    expect(items).toHaveLength(1000)
    expect(items.every((item) => item.status === 'succeeded')).toBe(true)
    expect(items.map((item) => item.reusedFrom === run!.runId)).toEqual(items.map((_, k) => doneBefore.has(k)))
    const uris = items.map((item) => item.output!.uri)
    expect(new Set(uris).size).toBe(1000)
    for (const uri of uris) await expect(stat(fileURLToPath(uri))).resolves.toBeTruthy()
  }, 180_000)

  test(`${SUBPROCESS_ITEMS} items with --executor subprocess: each item is a weir execute --item-index N process with its output in its own folder, and the fan-in task gets them all`, async () => {
    const r = weir(['run', 'map.yaml', '--state-dir', 'state-sub', '--executor', 'subprocess', '--concurrency', '8', '--param', `n=${SUBPROCESS_ITEMS}`, '--json'], 1_800_000)
    expect(r.code, r.stderr).toBe(0)
    const result = JSON.parse(r.stdout) as { tasks: Record<string, { status: string; output?: string; items?: unknown }> }
    expect(result).toMatchObject({ status: 'succeeded', tasks: { m: { status: 'succeeded', items: { total: SUBPROCESS_ITEMS, succeeded: SUBPROCESS_ITEMS } } } })
    expect(JSON.parse(await readFile(fileURLToPath(result.tasks.total!.output!), 'utf8'))).toEqual({ count: SUBPROCESS_ITEMS, sum: sumOfSquares(SUBPROCESS_ITEMS), order: true })
    const outputs = await itemOutputs(join(project, 'state-sub'))
    expect(outputs.size).toBe(SUBPROCESS_ITEMS)
    for (const [k, paths] of outputs) {
      expect(paths).toHaveLength(1)
      expect(JSON.parse(await readFile(paths[0]!, 'utf8'))).toEqual({ i: k, sq: k * k })
    }
  }, 1_800_000)

  test.each(['inprocess', 'subprocess'])('with --executor %s, an item that set no value, or failed, is null in the list of values (input and ctx.values.get)', async (executor) => {
    const r = weir(['run', 'values.yaml', '--state-dir', `state-values-${executor}`, '--executor', executor, '--json'])
    expect(r.code, r.stderr).toBe(1)
    const result = JSON.parse(r.stdout) as { tasks: Record<string, { status: string; output?: string }> }
    expect(result.tasks.m!.status).toBe('failed')
    const kinds = ['null', 'number', 'null', 'null']
    expect(JSON.parse(await readFile(fileURLToPath(result.tasks.show!.output!), 'utf8'))).toEqual({ input: kinds, get: kinds })
    // A declared value no item set is a list all the same, as its generated type says: of nulls, or empty.
    expect(result.tasks.unset!.status).toBe('succeeded')
    expect(JSON.parse(await readFile(fileURLToPath(result.tasks.unset!.output!), 'utf8'))).toEqual({ quiet: ['null', 'null'], none: [], get: ['null', 'null'] })
  }, 300_000)

  test('--resume --dry-run says how many items of a failed map run again and how many are reused, as the resume does', () => {
    const args = ['--state-dir', 'state-dry-run']
    expect(weir(['run', 'values.yaml', ...args]).code).toBe(1)
    const planned = weir(['run', 'values.yaml', ...args, '--resume', 'latest', '--dry-run'])
    expect(planned.code, planned.stderr).toBe(0)
    expect(planned.stdout).toMatch(/▶ m +run \(failed; 1 of 4 items to run, 3 reused\)\n/)
    // show reads m (all_done); the other maps succeeded and are reused whole.
    expect(planned.stdout).toMatch(/= quiet +reuse \(its 2 items\)\n/)
    expect(planned.stdout).toContain('2 to run, 3 reused, 0 cached; 3 items reused.')
    const json = JSON.parse(weir(['run', 'values.yaml', ...args, '--resume', 'latest', '--dry-run', '--json']).stdout) as { tasks: Record<string, unknown> }
    expect(json.tasks.m).toEqual({ action: 'run', reason: 'failed', items: { total: 4, reused: 3 } })
    // The resume itself reuses those items and runs the one that failed.
    const resumed = JSON.parse(weir(['run', 'values.yaml', ...args, '--resume', 'latest', '--json']).stdout) as { runId: string }
    const shown = JSON.parse(weir(['runs', 'show', resumed.runId, '--json', ...args]).stdout) as { tasks: Record<string, ShownTask> }
    expect(shown.tasks.m!.items!.map((item) => item.reusedFrom !== undefined)).toEqual([true, true, true, false])
  })
})
