/**
 * Caching of mapped tasks across executors (issues 11 and 12), with the built CLI on `fs`: items
 * (keyed by their value and index, or for map → map by the upstream item's content hash) and a
 * fan-in task (keyed by the items' content hashes) hit under `weir execute` exactly as in process,
 * so `weir run`, `weir run --executor subprocess` and engine-style `weir execute` calls share
 * entries; changing one item re-runs only that item and what depends on it.
 */
import { spawnSync } from 'node:child_process'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, expect, test } from 'vitest'

const BIN = resolve('bin/weir.js')
const dirs: string[] = []
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true })
})

const SPEC = `apiVersion: weir/v1
kind: Pipeline
name: mapped
defaults:
  cache: true
tasks:
  per_day:
    handler: ./handlers/h.ts#perDay
    foreach: [1, 2, 3]
    inputs: { day: "\${{ item }}" }
  along:
    handler: ./handlers/h.ts#along
    foreach: \${{ tasks.per_day.output }}
    inputs: { row: "\${{ item }}", i: "\${{ item_index }}" }
    # Values go to downstream tasks as lists: an item of a map over per_day could read all of them,
    # so values set by per_day's items would be part of every one of its keys.
    values: { seen: { type: integer } }
  combine:
    handler: ./handlers/h.ts#combine
    inputs: { days: "\${{ tasks.per_day.output }}", along: "\${{ tasks.along.output }}", seen: "\${{ tasks.along.values.seen }}" }
`
const HANDLERS = `export const perDay = (i: { day: number }) => ({ day: i.day, x: i.day * 10 })
export const along = (i: { row: { day: number; x: number }; i: number }, ctx: { values: { set(n: string, v: unknown): void } }) => { ctx.values.set('seen', i.row.day); return { y: i.row.x + 1, i: i.i } }
export const combine = (i: unknown) => i
`

/** The spec with another list for per_day (a param would change every task's key: each can read it). */
const withDays = (days: string) => SPEC.replace('foreach: [1, 2, 3]', `foreach: ${days}`)

async function project(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'weir-cache-map-'))
  dirs.push(dir)
  await mkdir(join(dir, 'handlers'))
  await writeFile(join(dir, 'package.json'), '{"name":"cache-map","type":"module"}')
  await writeFile(join(dir, 'handlers', 'h.ts'), HANDLERS)
  await writeFile(join(dir, 'p.yaml'), SPEC)
  return dir
}

function weir(dir: string, args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', ...env }, timeout: 120_000 })
  return { status: r.status, stdout: r.stdout, stderr: r.stderr }
}

interface Shown {
  runId: string
  tasks: Record<string, { status: string; cachedFrom?: { runId: string }; output?: { uri: string }; items?: { status: string; cachedFrom?: { runId: string } }[] }>
}

/** Runs the pipeline and returns its record: which items and tasks were cache hits. */
function run(dir: string, ...args: string[]): { runId: string; cached: Record<string, number[] | boolean>; shown: Shown } {
  const r = weir(dir, ['run', 'p.yaml', '--json', ...args])
  expect(r.status, r.stderr).toBe(0)
  const { runId } = JSON.parse(r.stdout) as { runId: string }
  const shown = weir(dir, ['runs', 'show', runId, '--json'])
  const record = JSON.parse(shown.stdout) as Shown
  const cached: Record<string, number[] | boolean> = {}
  for (const [id, t] of Object.entries(record.tasks))
    cached[id] = t.items ? t.items.flatMap((item, i) => (item.cachedFrom ? [i] : [])) : t.cachedFrom !== undefined
  return { runId, cached, shown: record }
}

const output = async (uri: string): Promise<unknown> => JSON.parse(await readFile(new URL(uri), 'utf8')) as unknown

test('--executor subprocess: a second run hits every item and the fan-in; one changed item re-runs only itself and its dependents; a re-run with identical output keeps the fan-in cached', async () => {
  const dir = await project()
  const subprocess = ['--executor', 'subprocess']
  const first = run(dir, ...subprocess)
  expect(first.cached).toEqual({ per_day: [], along: [], combine: false })

  const second = run(dir, ...subprocess)
  expect(second.cached).toEqual({ per_day: [0, 1, 2], along: [0, 1, 2], combine: true })
  expect(second.shown.tasks.combine!.cachedFrom!.runId).toBe(first.runId)
  expect(await output(second.shown.tasks.combine!.output!.uri)).toEqual({
    days: [{ day: 1, x: 10 }, { day: 2, x: 20 }, { day: 3, x: 30 }],
    along: [{ y: 11, i: 0 }, { y: 21, i: 1 }, { y: 31, i: 2 }],
    seen: [1, 2, 3],
  })

  // Item 2 changes: it and along's item 2 (which reads it) run, and so does the fan-in.
  await writeFile(join(dir, 'p.yaml'), withDays('[1, 2, 4]'))
  const changed = run(dir, ...subprocess)
  expect(changed.cached).toEqual({ per_day: [0, 1], along: [0, 1], combine: false })
  expect(await output(changed.shown.tasks.combine!.output!.uri)).toMatchObject({ seen: [1, 2, 4], along: [{ y: 11 }, { y: 21 }, { y: 41 }] })

  // Every item of per_day runs again, with byte-identical outputs: along and the fan-in still hit (early cutoff).
  const refreshed = run(dir, ...subprocess, '--refresh', 'per_day')
  expect(refreshed.cached).toEqual({ per_day: [], along: [0, 1, 2], combine: true })
}, 300_000)

test('weir run in process, --executor subprocess and engine-style weir execute calls share the entries of items and fan-in', async () => {
  const dir = await project()
  const inProcess = run(dir)
  expect(inProcess.cached).toEqual({ per_day: [], along: [], combine: false })
  expect(run(dir, '--executor', 'subprocess').cached).toEqual({ per_day: [0, 1, 2], along: [0, 1, 2], combine: true })

  // As a Databricks or Argo run does it: the list step, each item by index, the fan-in from the items' outputs.json.
  const runId = 'engine-1'
  const values = join(dir, 'values')
  const execute = (...args: string[]) => weir(dir, ['execute', '--spec', 'p.yaml', '--run-id', runId, ...args], { WEIR_TASK_VALUE_DIR: values })
  const prefix = (task: string) => join(dir, '.weir', 'data', 'mapped', runId, task)
  const doc = async (path: string) => JSON.parse(await readFile(path, 'utf8')) as { output?: { uri: string }; values: Record<string, unknown>; cachedFrom?: { runId: string } }
  for (const task of ['per_day', 'along']) {
    expect(execute('--task', task, '--list-items')).toMatchObject({ status: 0 })
    for (const i of [0, 1, 2]) expect(execute('--task', task, `--item-index=${i}`)).toMatchObject({ status: 0 })
  }
  expect(execute('--task', 'combine')).toMatchObject({ status: 0 })
  for (const i of [0, 1, 2]) {
    const item = await doc(join(prefix('per_day'), 'items', String(i), 'outputs.json'))
    expect(item).toMatchObject({ cachedFrom: { runId: inProcess.runId } })
    expect(await doc(join(prefix('along'), 'items', String(i), 'outputs.json'))).toMatchObject({ cachedFrom: { runId: inProcess.runId }, values: { seen: i + 1 } })
    expect(await doc(join(prefix('along'), 'items', String(i), 'values.json'))).toEqual({ seen: i + 1 })
  }
  const combine = await doc(join(prefix('combine'), 'outputs.json'))
  expect(combine.cachedFrom?.runId).toBe(inProcess.runId)
  expect(combine.output?.uri).toBe(inProcess.shown.tasks.combine!.output!.uri)

  // The list step stores its list for this run and is not cached: a changed list lists the new items.
  await writeFile(join(dir, 'p.yaml'), withDays('[1, 5]'))
  const next = (...args: string[]) => weir(dir, ['execute', '--spec', 'p.yaml', '--run-id', 'engine-2', '--task', 'per_day', ...args])
  expect(next('--list-items')).toMatchObject({ status: 0 })
  expect(await doc(join(dir, '.weir', 'data', 'mapped', 'engine-2', 'per_day', 'items.json'))).toEqual({ count: 2, items: [1, 5] })
  expect(next('--item-index=0')).toMatchObject({ status: 0 })
  expect(next('--item-index=1')).toMatchObject({ status: 0 })
  const item = (i: number) => doc(join(dir, '.weir', 'data', 'mapped', 'engine-2', 'per_day', 'items', String(i), 'outputs.json'))
  expect((await item(0)).cachedFrom?.runId).toBe(inProcess.runId)
  const ran = await item(1)
  expect(ran.cachedFrom).toBeUndefined()
  expect(await output(ran.output!.uri)).toEqual({ day: 5, x: 50 })
}, 300_000)

test('--dry-run says a mapped task is decided item by item, and --explain-cache / weir cache explain count the items the cache answered', async () => {
  const dir = await project()
  const first = run(dir)
  const planned = weir(dir, ['run', 'p.yaml', '--dry-run'])
  // Not a "miss": a mapped task has no key of its own to miss with.
  expect(planned.stdout).toMatch(/▶ per_day\s+run \(cache: per item\)/)
  expect(planned.stdout).toContain('cache: per item: a mapped task is cached item by item')
  expect(planned.stdout).not.toMatch(/per_day.*(changed|inputs|new)/)
  const second = weir(dir, ['run', 'p.yaml', '--explain-cache', 'per_day'])
  expect(second.status, second.stderr).toBe(0)
  expect(second.stdout).toContain(`Cache of per_day (succeeded`)
  expect(second.stdout).toContain(`cached item by item: 3 of 3 items hit (from run ${first.runId}); 0 ran`)
  const explained = weir(dir, ['cache', 'explain', 'p.yaml', 'per_day'])
  expect(explained.stdout).toContain('cached item by item: 3 of 3 items hit')
  // One changed item: the others still hit.
  await writeFile(join(dir, 'p.yaml'), withDays('[1, 2, 4]'))
  const third = weir(dir, ['run', 'p.yaml', '--explain-cache', 'per_day'])
  expect(third.stdout).toMatch(/cached item by item: 2 of 3 items hit \(from runs? [^)]*\); 1 ran/)
})
