/**
 * Running mapped tasks in a local run (issue 11, docs/fan-out.md): each item its own attempts, the
 * task's status derived from its items, item concurrency, cancel, fail_fast, fan-in, map → map,
 * the journal and its replay, and resume of the failed items only.
 */
import { beforeAll, describe, expect, test } from 'vitest'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { runPipeline } from '../../../../src/runtime/run-pipeline.ts'
import { loadRun, runDir } from '../../../../src/runtime/run-store/read-runs.ts'
import { decodeJournal, encodeTaskEvent } from '../../../../src/runtime/run-store/journal-codec.ts'
import type { AttemptOutcome, AttemptRequest } from '../../../../src/plugins/types.ts'
import type { RunEvent, TaskEvent } from '../../../../src/runtime/api.ts'
import type { Pipeline } from '../../../../src/spec/model.ts'
import { fail, mapIo, ok, pipelineFromYaml, scriptedExecutor, specText, tempDir } from '../helpers.ts'

let dir: string

beforeAll(async () => {
  dir = await tempDir('weir-map-run-')
  await writeFile(join(dir, 'package.json'), '{"type":"module"}')
  await writeFile(
    join(dir, 'h.ts'),
    [
      'export const list = () => ["EU", "US", "APAC"]',
      'export const m = (inputs, ctx) => { ctx.values.set("len", inputs.region.length); return { region: inputs.region, at: inputs.position } }',
      'export const combine = (inputs) => ({ totals: inputs.totals, lens: inputs.lens })',
      'export const again = (inputs) => `${inputs.row.region}#${inputs.i}`',
      'export const fanin = (inputs) => inputs.all',
      'export const obj = () => ({ n: 1 })',
      'export const maybe = (inputs, ctx) => { if (inputs.x === 3) throw new Error("item 3 fails"); if (inputs.x === 1) ctx.values.set("v", 10); return inputs.x }',
      'const kind = (x) => (x === null ? "null" : typeof x)',
      'export const show = (inputs, ctx) => ({ input: inputs.v.map(kind), get: ctx.values.get("maybe", "v").map(kind) })',
    ].join('\n'),
  )
})

async function load(yaml: string): Promise<Pipeline> {
  return { ...(await pipelineFromYaml(yaml, dir)), sourcePath: join(dir, 'pipeline.yaml') }
}

const itemOf = (r: AttemptRequest) => r.item!.value as number

describe('a mapped task in a run', () => {
  test('runs each item once with its value and index, and succeeds when every item succeeded', async () => {
    const pipeline = await load(specText('items', { m: 'foreach: [10, 20, 30]\ninputs: { n: "${{ item }}", i: "${{ item_index }}" }' }))
    const executor = scriptedExecutor()
    const events: RunEvent[] = []
    const result = await runPipeline(pipeline, { executor, stateDir: await tempDir(), onEvent: (e) => events.push(e) })
    expect(result.status).toBe('succeeded')
    expect(executor.calls.map((c) => c.item)).toEqual([{ value: 10, index: 0 }, { value: 20, index: 1 }, { value: 30, index: 2 }])
    expect(result.tasks.m).toMatchObject({ status: 'succeeded', attempts: 1, items: { total: 3, succeeded: 3, failed: 0 } })
    expect(events.filter((e) => e.type === 'task:map')).toMatchObject([{ taskId: 'm', count: 3 }])
    expect(events.filter((e) => e.type === 'item:succeed').map((e) => (e as { index: number }).index).sort()).toEqual([0, 1, 2])
    // The map's own success is told after every item's.
    const order = events.map((e) => e.type)
    expect(order.lastIndexOf('item:succeed')).toBeLessThan(order.indexOf('task:succeed'))
  })

  test('an empty list is a success with zero items, and downstream tasks run', async () => {
    const pipeline = await load(specText('empty', { m: 'foreach: []\ninputs: { n: "${{ item }}" }', after: 'needs: [m]' }))
    const executor = scriptedExecutor()
    const result = await runPipeline(pipeline, { executor, stateDir: await tempDir() })
    expect(result.status).toBe('succeeded')
    expect(result.tasks.m).toMatchObject({ status: 'succeeded', items: { total: 0, succeeded: 0 } })
    expect(result.tasks.after!.status).toBe('succeeded')
    expect(executor.calls.map((c) => c.task.id)).toEqual(['after'])
  })

  test('a list that is not a list fails the task as a user error, without retries or items', async () => {
    const pipeline = await load(specText('notalist', { obj: '', m: 'foreach: ${{ tasks.obj.output }}\nretries: 3\ninputs: { n: "${{ item }}" }' }))
    const events: RunEvent[] = []
    const result = await runPipeline(pipeline, { ioPlugins: [mapIo()], stateDir: await tempDir(), onEvent: (e) => events.push(e) })
    expect(result.tasks.m).toMatchObject({ status: 'failed', attempts: 1, error: { code: 'MAP_ITEMS_INVALID', origin: 'user', recoverable: false, message: expect.stringContaining('not a list') } })
    expect(result.tasks.m!.items).toBeUndefined()
    expect(events.some((e) => e.type.startsWith('item:'))).toBe(false)
  })

  test('a failing item is retried on its own; when it fails after its last retry the others still run to the end and the task fails', async () => {
    const pipeline = await load(specText('retry', { m: 'foreach: [0, 1, 2, 3]\nretries: { max: 2, delay: 0ms }\ninputs: { n: "${{ item }}" }', cleanup: 'needs: [m]\ntrigger: all_done', consumer: 'needs: [m]' }))
    const executor = scriptedExecutor({ m: (r) => (itemOf(r) === 1 ? fail(`item ${itemOf(r)} broke`) : itemOf(r) === 2 && r.attempt === 1 ? fail('flaky') : ok()) })
    const result = await runPipeline(pipeline, { executor, stateDir: await tempDir(), random: () => 0 })
    expect(result.status).toBe('failed')
    expect(result.tasks.m).toMatchObject({ status: 'failed', items: { total: 4, succeeded: 3, failed: 1 }, error: { code: 'MAP_ITEMS_FAILED', message: expect.stringContaining('1 of 4 items failed; item 1: item 1 broke') } })
    const attemptsOf = (n: number) => executor.calls.filter((c) => c.task.id === 'm' && c.item!.index === n).map((c) => c.attempt)
    expect([attemptsOf(0), attemptsOf(1), attemptsOf(2), attemptsOf(3)]).toEqual([[1], [1, 2, 3], [1, 2], [1]])
    // Downstream trigger rules see one failed task.
    expect(result.tasks.cleanup!.status).toBe('succeeded')
    expect(result.tasks.consumer).toMatchObject({ status: 'skipped', skipReason: 'upstream_failed' })
  })

  test('the error names the lowest-numbered failed item, whichever failed first', async () => {
    const pipeline = await load(specText('order', { m: 'foreach: [0, 1, 2, 3, 4]\ninputs: { n: "${{ item }}" }' }))
    // Item 4 fails at once, item 1 only after the others: the message must not depend on that.
    const executor = scriptedExecutor({ m: (r) => (itemOf(r) === 4 ? fail('item 4 broke') : itemOf(r) === 1 ? new Promise((done) => setTimeout(() => done(fail('item 1 broke')), 30)) : ok()) })
    const result = await runPipeline(pipeline, { executor, stateDir: await tempDir() })
    expect(result.tasks.m).toMatchObject({ status: 'failed', error: { code: 'MAP_ITEMS_FAILED', message: expect.stringContaining('2 of 5 items failed; item 1: item 1 broke') } })
  })

  test('the timeout applies per item: an item that runs past it fails (TASK_TIMEOUT), the others are unaffected', async () => {
    const pipeline = await load(specText('timeout', { m: 'foreach: [0, 1, 2]\ntimeout: 50ms\ninputs: { n: "${{ item }}" }' }))
    const executor = scriptedExecutor({ m: (r) => (itemOf(r) === 1 ? new Promise(() => {}) : ok()) })
    const stateDir = await tempDir()
    const result = await runPipeline(pipeline, { executor, stateDir, runId: 'timeout-run' })
    expect(result.tasks.m).toMatchObject({ status: 'failed', items: { succeeded: 2, failed: 1 }, error: { message: expect.stringContaining('item 1:') } })
    const run = await loadRun(stateDir, 'timeout-run')
    expect(run!.tasks.m!.items!.map((item) => [item.status, item.error?.code])).toEqual([['succeeded', undefined], ['failed', 'TASK_TIMEOUT'], ['succeeded', undefined]])
  })

  test('items take slots of --concurrency and of foreach.concurrency: never more at once than either', async () => {
    for (const [concurrency, own, expected] of [[8, 3, 3], [2, 10, 2], [5, undefined, 5]] as const) {
      const pipeline = await load(specText('limit', { m: `foreach: { items: "\${{ params.xs }}"${own === undefined ? '' : `, concurrency: ${own}`} }\ninputs: { n: "\${{ item }}" }` }, 'params:\n  xs: { type: array }\n'))
      let running = 0
      let most = 0
      const executor = scriptedExecutor({
        m: async () => {
          most = Math.max(most, ++running)
          await new Promise((r) => setImmediate(r))
          running--
          return ok()
        },
      })
      const result = await runPipeline(pipeline, { executor, stateDir: await tempDir(), concurrency, params: { xs: Array.from({ length: 40 }, (_, k) => k) } })
      expect(result.tasks.m!.items).toMatchObject({ total: 40, succeeded: 40 })
      expect(most).toBe(expected)
    }
  })

  test('items share --concurrency with other tasks', async () => {
    const pipeline = await load(specText('shared', { m: 'foreach: ${{ params.xs }}\ninputs: { n: "${{ item }}" }', other: '', third: '' }, 'params:\n  xs: { type: array }\n'))
    let running = 0
    let most = 0
    const slow = async (): Promise<AttemptOutcome> => {
      most = Math.max(most, ++running)
      await new Promise((r) => setTimeout(r, 1))
      running--
      return ok()
    }
    const executor = scriptedExecutor({ m: slow, other: slow, third: slow })
    const result = await runPipeline(pipeline, { executor, stateDir: await tempDir(), concurrency: 3, params: { xs: Array.from({ length: 20 }, (_, k) => k) } })
    expect(result.status).toBe('succeeded')
    expect(most).toBe(3)
  })

  test('a slot freed by an item goes to a ready task before the next item: a big map never holds back the rest', async () => {
    const pipeline = await load(specText('starve', { big: 'foreach: [0, 1, 2, 3, 4]\ninputs: { n: "${{ item }}" }', quick: '' }))
    const executor = scriptedExecutor()
    const result = await runPipeline(pipeline, { executor, stateDir: await tempDir(), concurrency: 1 })
    expect(result.status).toBe('succeeded')
    // One slot: the map's first item takes it, then quick (ready since the start), then the other items.
    expect(executor.calls.map((c) => (c.item ? `big#${c.item.index}` : c.task.id))).toEqual(['big#0', 'quick', 'big#1', 'big#2', 'big#3', 'big#4'])
  })

  test('two maps keep their share of the slots after lending one to a ready task', async () => {
    const pipeline = await load(specText('share', { a: 'foreach: [0, 1, 2, 3, 4, 5]\ninputs: { n: "${{ item }}" }', b: 'foreach: [0, 1, 2, 3, 4, 5]\ninputs: { n: "${{ item }}" }', quick: '' }))
    const executor = scriptedExecutor()
    const result = await runPipeline(pipeline, { executor, stateDir: await tempDir(), concurrency: 2 })
    expect(result.status).toBe('succeeded')
    const starts = executor.calls.map((c) => (c.item ? `${c.task.id}#${c.item.index}` : c.task.id))
    // quick starts as soon as the first item ends, not after a whole map.
    expect(starts.slice(0, 3)).toEqual(['a#0', 'b#0', 'quick'])
    // a lent its slot to quick and gets it back: b does not run all its items first, nor a all of its.
    const after = starts.slice(3)
    const firstOf = (id: string) => after.findIndex((s) => s.startsWith(`${id}#`))
    const lastOf = (id: string) => after.findLastIndex((s) => s.startsWith(`${id}#`))
    expect(firstOf('a')).toBeLessThan(lastOf('b'))
    expect(firstOf('b')).toBeLessThan(lastOf('a'))
  })

  test('a map that lent its only slot still ends when the run is cancelled meanwhile', async () => {
    const pipeline = await load(specText('lent', { big: 'foreach: [0, 1, 2, 3]\ninputs: { n: "${{ item }}" }', quick: '' }))
    const controller = new AbortController()
    const executor = scriptedExecutor({
      // quick holds the map's slot when the run is cancelled: the map has no item running then.
      quick: (r) => {
        const cancelled = new Promise<AttemptOutcome>((resolve) => r.signal.addEventListener('abort', () => resolve({ status: 'cancelled' }), { once: true }))
        controller.abort()
        return cancelled
      },
    })
    const result = await runPipeline(pipeline, { executor, stateDir: await tempDir(), concurrency: 1, signal: controller.signal })
    expect(result.status).toBe('cancelled')
    expect(result.tasks.big).toMatchObject({ status: 'cancelled', items: { total: 4, succeeded: 1, cancelled: 3 } })
    expect(result.tasks.quick!.status).toBe('cancelled')
  })

  test("every line an item logs names the item: each line of a message, of its error and of the error's stack", async () => {
    const pipeline = await load(specText('lines', { m: 'foreach: { items: [0, 1], concurrency: 1 }\ninputs: { n: "${{ item }}" }' }))
    const executor = scriptedExecutor({
      m: (r) => {
        r.log.info(`one of ${itemOf(r)}\ntwo of ${itemOf(r)}`, { n: itemOf(r) })
        return itemOf(r) === 1 ? fail('multi\nline error', { stack: 'Error: multi\nline error\n    at m (h.ts:1:1)' }) : ok()
      },
    })
    const stateDir = await tempDir()
    await runPipeline(pipeline, { executor, stateDir, runId: 'lines-run' })
    const lines = (await readFile(join(runDir(stateDir, 'lines-run'), 'logs', 'm.log'), 'utf8')).trimEnd().split('\n').map((l) => l.replace(/^\S+ \[attempt 1\] /, ''))
    expect(lines).toEqual([
      'INFO  [item 0] one of 0',
      'INFO  [item 0] two of 0 {"n":0}',
      'INFO  [item 1] one of 1',
      'INFO  [item 1] two of 1 {"n":1}',
      'ERROR [item 1] HANDLER_ERROR: multi',
      'ERROR [item 1] line error',
      'ERROR [item 1] Error: multi',
      'ERROR [item 1] line error',
      'ERROR [item 1]     at m (h.ts:1:1)',
    ])
  })

  test('a cancelled run cancels the items that have not finished, and the task is cancelled', async () => {
    const pipeline = await load(specText('cancel', { m: 'foreach: { items: "${{ params.xs }}", concurrency: 2 }\ninputs: { n: "${{ item }}" }' }, 'params:\n  xs: { type: array }\n'))
    const controller = new AbortController()
    let started = 0
    const executor = scriptedExecutor({
      m: (r) =>
        new Promise((resolve) => {
          r.signal.addEventListener('abort', () => resolve({ status: 'cancelled' }), { once: true })
          if (itemOf(r) === 0) resolve(ok())
          if (++started === 3) controller.abort()
        }),
    })
    const result = await runPipeline(pipeline, { executor, stateDir: await tempDir(), signal: controller.signal, params: { xs: Array.from({ length: 10 }, (_, k) => k) } })
    expect(result.status).toBe('cancelled')
    expect(result.tasks.m).toMatchObject({ status: 'cancelled', items: { total: 10, succeeded: 1, cancelled: 9 } })
    expect(started).toBe(3)
  })

  test('items that ignore the cancel are given up after the grace period, every one of them', async () => {
    const pipeline = await load(specText('stuck', { m: 'foreach: { items: "${{ params.xs }}", concurrency: 3 }\ninputs: { n: "${{ item }}" }' }, 'params:\n  xs: { type: array }\n'))
    const controller = new AbortController()
    let started = 0
    const executor = scriptedExecutor({
      // Never settles: only the run loop's grace period can end these attempts.
      m: () => new Promise<AttemptOutcome>(() => {
        if (++started === 3) setTimeout(() => controller.abort(), 0)
      }),
    })
    const result = await runPipeline(pipeline, { executor, stateDir: await tempDir(), signal: controller.signal, cancelGraceMs: 10, params: { xs: [1, 2, 3, 4, 5] } })
    expect(result.status).toBe('cancelled')
    expect(result.tasks.m).toMatchObject({ status: 'cancelled', items: { total: 5, succeeded: 0, cancelled: 5 } })
    expect(started).toBe(3)
  })

  test('fail_fast: a failed item stops new items (they are cancelled) and new tasks; the task fails', async () => {
    const pipeline = await load(specText('ff', { m: 'foreach: { items: "${{ params.xs }}", concurrency: 1 }\ninputs: { n: "${{ item }}" }', after: 'needs: [m]\ntrigger: all_done' }, 'params:\n  xs: { type: array }\n'))
    const executor = scriptedExecutor({ m: (r) => (itemOf(r) === 2 ? fail() : ok()) })
    const result = await runPipeline(pipeline, { executor, stateDir: await tempDir(), failFast: true, params: { xs: [0, 1, 2, 3, 4] } })
    expect(result.tasks.m).toMatchObject({ status: 'failed', items: { total: 5, succeeded: 2, failed: 1, cancelled: 2 } })
    expect(result.tasks.after).toMatchObject({ status: 'skipped', skipReason: 'fail_fast' })
  })
})

describe('fan-in and map → map, with real handlers and storage', () => {
  const yaml = specText('fanin', {
    list: 'output: { type: array, items: { type: string } }',
    m: 'foreach: ${{ tasks.list.output }}\ninputs: { region: "${{ item }}", position: "${{ item_index }}" }\nvalues: { len: { type: integer } }',
    combine: 'inputs: { totals: "${{ tasks.m.output }}", lens: "${{ tasks.m.values.len }}" }',
    again: 'foreach: ${{ tasks.m.output }}\ninputs: { row: "${{ item }}", i: "${{ item_index }}" }',
    fanin: 'inputs: { all: "${{ tasks.again.output }}" }',
  })

  test('a downstream task gets the items’ outputs and values as lists in item order; a map over a map gets item i’s output as its item i; each item stored under its own key', async () => {
    const io = mapIo()
    const pipeline = await load(yaml)
    const result = await runPipeline(pipeline, { ioPlugins: [io], stateDir: await tempDir(), runId: 'run-1' })
    expect(result.status).toBe('succeeded')
    const stored = (task: string) => io.store.get(`test://run-1/${task}`)
    expect(stored('combine')).toEqual({ totals: [{ region: 'EU', at: 0 }, { region: 'US', at: 1 }, { region: 'APAC', at: 2 }], lens: [2, 2, 4] })
    expect(stored('fanin')).toEqual(['EU#0', 'US#1', 'APAC#2'])
    expect([...io.store.keys()].filter((k) => k.includes('/m/')).sort()).toEqual(['test://run-1/m/items/0', 'test://run-1/m/items/1', 'test://run-1/m/items/2'])
    expect(result.tasks.m!.values).toEqual({ len: [2, 2, 4] })
  })

  test('an item that set no value, or failed, is null in the values list (as under weir execute), in the input, ctx.values.get, the result and the replayed run', async () => {
    const io = mapIo()
    const stateDir = await tempDir()
    const pipeline = await load(
      specText('nulls', {
        maybe: 'foreach: [0, 1, 2, 3]\ninputs: { x: "${{ item }}" }\nvalues: { v: { type: integer } }',
        show: 'inputs: { v: "${{ tasks.maybe.values.v }}" }\ntrigger: all_done',
      }),
    )
    const result = await runPipeline(pipeline, { ioPlugins: [io], stateDir, runId: 'run-nulls' })
    expect(result.tasks.maybe).toMatchObject({ status: 'failed', items: { succeeded: 3, failed: 1 } })
    const kinds = ['null', 'number', 'null', 'null']
    expect(io.store.get('test://run-nulls/show')).toEqual({ input: kinds, get: kinds })
    expect(result.tasks.maybe!.values).toStrictEqual({ v: [null, 10, null, null] })
    expect((await loadRun(stateDir, 'run-nulls'))!.tasks.maybe!.values).toStrictEqual({ v: [null, 10, null, null] })
  })

  test('the journal replays to the same records, items included', async () => {
    const io = mapIo()
    const stateDir = await tempDir()
    const pipeline = await load(yaml)
    const result = await runPipeline(pipeline, { ioPlugins: [io], stateDir, runId: 'run-2' })
    const run = await loadRun(stateDir, 'run-2')
    expect(run!.tasks.m!.items!.map((i) => [i.status, i.attempts, i.output?.uri])).toEqual([0, 1, 2].map((k) => ['succeeded', 1, `test://run-2/m/items/${k}`]))
    expect(run!.tasks.m!.values).toEqual(result.tasks.m!.values)
    expect(run!.tasks.again!.items).toHaveLength(3)
    const journal = await readFile(join(runDir(stateDir, 'run-2'), 'journal.jsonl'), 'utf8')
    expect(journal).toMatch(/\{"e":"map","task":"m","count":3,"hash":"[0-9a-f]{64}","at":\d+\}/)
    expect(journal).toMatch(/\{"e":"istart","task":"m","i":0,"attempt":1,"at":\d+\}/)
  })
})

describe('cache of a mapped task', () => {
  test('each item has its own key (value and index): a second run hits every item, a changed item misses only itself', async () => {
    const { runPipeline: runWithBuiltins } = await import('../../../../src/run-with-builtins.ts')
    const stateDir = await tempDir()
    const yaml = (list: string) => specText('cached', { m: `foreach: ${list}\ncache: true\ninputs: { region: "\${{ item }}", position: "\${{ item_index }}" }\nvalues: { len: { type: integer } }` })
    const run = async (list: string) => {
      const events: RunEvent[] = []
      const result = await runWithBuiltins(await load(yaml(list)), { stateDir, onEvent: (e) => events.push(e) })
      const cached = events.flatMap((e) => (e.type === 'item:succeed' && e.cachedFrom ? [e.index] : []))
      return { result, cached }
    }
    const cwd = process.cwd()
    process.chdir(dir)
    try {
      expect((await run('[EU, US, APAC]')).cached).toEqual([])
      const second = await run('[EU, US, APAC]')
      expect(second.cached.sort()).toEqual([0, 1, 2])
      expect(second.result.tasks.m).toMatchObject({ status: 'succeeded', values: { len: [2, 2, 4] }, items: { succeeded: 3 } })
      // Item 1 changed: only it misses.
      expect((await run('[EU, UK, APAC]')).cached.sort()).toEqual([0, 2])
      // Same values at other indexes are other items.
      expect((await run('[US, EU, APAC]')).cached.sort()).toEqual([2])
    } finally {
      process.chdir(cwd)
    }
  })
})

describe('cache of a map over a map', () => {
  test("an item is keyed by the content hash of the upstream item's stored output, not the value read back", async () => {
    const { runPipeline: runWithBuiltins } = await import('../../../../src/run-with-builtins.ts')
    const stateDir = await tempDir()
    const pipeline = await load(
      specText('chained', {
        m: 'foreach: [EU, US]\ninputs: { region: "${{ item }}", position: "${{ item_index }}" }\nvalues: { len: { type: integer } }',
        again: 'foreach: ${{ tasks.m.output }}\ncache: true\ninputs: { row: "${{ item }}", i: "${{ item_index }}" }',
      }),
    )
    const cachedItems = async () => {
      const events: RunEvent[] = []
      const result = await runWithBuiltins(pipeline, { stateDir, onEvent: (e) => events.push(e) })
      expect(result.status).toBe('succeeded')
      return events.flatMap((e) => (e.type === 'item:succeed' && e.taskId === 'again' && e.cachedFrom ? [e.index] : [])).sort()
    }
    const cwd = process.cwd()
    process.chdir(dir)
    try {
      expect(await cachedItems()).toEqual([])
      // m runs again (it is not cached) and stores the same outputs under new URIs: again hits.
      expect(await cachedItems()).toEqual([0, 1])
    } finally {
      process.chdir(cwd)
    }
  })
})

describe('the journal codec', () => {
  test('round-trips every item event and the map event', () => {
    const base = { runId: 'r', taskId: 'm', at: 5 }
    const error = { code: 'HANDLER_ERROR', message: 'x', origin: 'user' as const, recoverable: true }
    const output = { uri: 'file:///o', format: 'json' as const, io: 'fs' }
    const events: TaskEvent[] = [
      { ...base, type: 'task:map', count: 2, hash: 'abc' },
      { ...base, type: 'item:start', index: 1, attempt: 2 },
      { ...base, type: 'item:retry', index: 1, attempt: 2, delayMs: 10, error },
      { ...base, type: 'item:succeed', index: 1, attempt: 3, output, values: { v: 1 }, cachedFrom: { runId: 'old', key: 'k' } },
      { ...base, type: 'item:succeed', index: 0, attempt: 1 },
      { ...base, type: 'item:fail', index: 0, attempt: 1, error },
      { ...base, type: 'item:cancel', index: 0, attempt: 1 },
      { ...base, type: 'item:cancel', index: 0 },
      { ...base, type: 'item:reuse', index: 1, fromRunId: 'old', output, values: {} },
    ]
    const text = `{"e":"run","v":1,"runId":"r","tasks":["m"]}\n${events.map(encodeTaskEvent).join('\n')}\n{"e":"istart","task":"m","i":-1,"attempt":1,"at":1}\n`
    const decoded = decodeJournal(text).filter((e) => e.kind === 'task').map((e) => (e as { event: TaskEvent }).event)
    expect(decoded).toEqual(events)
  })
})

describe('resume of a mapped task', () => {
  test('re-runs only the failed items and reuses the stored outputs of those that succeeded; a downstream fan-in sees every item', async () => {
    const io = mapIo()
    const stateDir = await tempDir()
    const pipeline = await load(specText('resume', { m: 'foreach: [0, 1, 2, 3]\ninputs: { n: "${{ item }}" }', all: 'inputs: { xs: "${{ tasks.m.output }}" }' }))
    let broken = true
    const executor = scriptedExecutor({
      m: (r) => (broken && itemOf(r) % 2 === 1 ? fail() : { status: 'succeeded', output: { uri: `mem://${r.runId}/${itemOf(r)}`, format: 'json', io: 'fs' }, values: {} }),
      all: (r) => ({ status: 'succeeded', values: { refs: r.upstreamItemOutputs!.m!.map((ref) => ref!.uri) } }),
    })
    const first = await runPipeline(pipeline, { executor, ioPlugins: [io], stateDir, runId: 'first' })
    expect(first.tasks.m).toMatchObject({ status: 'failed', items: { succeeded: 2, failed: 2 } })
    broken = false
    executor.calls.length = 0
    const second = await runPipeline(pipeline, { executor, ioPlugins: [io], stateDir, runId: 'second', resumeFrom: 'first' })
    expect(second.status).toBe('succeeded')
    expect(executor.calls.filter((c) => c.task.id === 'm').map((c) => c.item!.index)).toEqual([1, 3])
    expect(second.tasks.all!.values).toEqual({ refs: ['mem://first/0', 'mem://second/1', 'mem://first/2', 'mem://second/3'] })
    // A resume of the resume reuses the whole map, items and all.
    executor.calls.length = 0
    const third = await runPipeline(pipeline, { executor, ioPlugins: [io], stateDir, runId: 'third', resumeFrom: 'second' })
    expect(third.status).toBe('succeeded')
    expect(executor.calls).toEqual([])
    const run = await loadRun(stateDir, 'third')
    expect(run!.tasks.m!.items!.map((i) => i.reusedFrom)).toEqual(['first', 'second', 'first', 'second'])
  })

  test('downstream of a task that runs again, every item runs again (its shared inputs may have changed)', async () => {
    const stateDir = await tempDir()
    const pipeline = await load(specText('resume_up', { src: '', m: 'foreach: [0, 1, 2]\nneeds: [src]\ntrigger: all_done\ninputs: { n: "${{ item }}" }' }))
    let broken = true
    const executor = scriptedExecutor({ src: () => (broken ? fail() : ok()), m: (r) => (broken && itemOf(r) === 1 ? fail() : ok()) })
    const first = await runPipeline(pipeline, { executor, stateDir, runId: 'up-first' })
    expect(first.tasks.m).toMatchObject({ status: 'failed', items: { succeeded: 2, failed: 1 } })
    broken = false
    executor.calls.length = 0
    await runPipeline(pipeline, { executor, stateDir, runId: 'up-second', resumeFrom: 'up-first' })
    expect(executor.calls.filter((c) => c.task.id === 'm').map((c) => c.item!.index)).toEqual([0, 1, 2])
  })
})

describe('map → map over stream outputs', () => {
  test('each item that is a stream is closed once its attempt ends, used or not (a subprocess attempt reads its own)', async () => {
    const dir = await tempDir()
    await writeFile(join(dir, 'h.js'), "import { Readable } from 'node:stream'\nexport const stream = (i) => Readable.from([Buffer.from('x' + i.s)])\nexport const read = async (i) => { let n = 0; for await (const c of i.x) n += c.length; return n }\n")
    await writeFile(join(dir, 'package.json'), '{ "type": "module" }\n')
    const pipeline = await pipelineFromYaml(
      'apiVersion: weir/v1\nkind: Pipeline\nname: streams\ntasks:\n  streams: { handler: ./h.js#stream, foreach: [1, 2, 3], inputs: { s: "${{ item }}" } }\n  used: { handler: ./h.js#read, foreach: "${{ tasks.streams.output }}", inputs: { x: "${{ item }}" } }\n  unused: { handler: ./h.js#read, foreach: "${{ tasks.streams.output }}", inputs: { x: "${{ item }}" } }\n',
      dir,
    )
    const items: { task: string; value: { destroyed?: boolean } }[] = []
    // As the subprocess executor does for `unused`: it passes the index on and never reads the value.
    const executor = {
      type: 'record-items',
      create: (_config: never, env: { host: { runInProcess(r: AttemptRequest): Promise<AttemptOutcome> } }) => ({
        runAttempt: (request: AttemptRequest): Promise<AttemptOutcome> => {
          if (request.item && request.task.id !== 'streams') items.push({ task: request.task.id, value: request.item.value as { destroyed?: boolean } })
          return request.task.id === 'unused' ? Promise.resolve({ status: 'succeeded', values: {} }) : env.host.runInProcess(request)
        },
      }),
    }
    const { runPipeline: runWithBuiltins } = await import('../../../../src/run-with-builtins.ts')
    const result = await runWithBuiltins(pipeline, { executor: executor as never, stateDir: join(dir, '.weir'), history: false })
    expect(result.status, JSON.stringify(result.tasks)).toBe('succeeded')
    expect(items).toHaveLength(6)
    expect(items.every((item) => item.value.destroyed === true)).toBe(true)
  })
})

describe('map → map over the memory IoManager, in process', () => {
  test("the items are read from the run's own memory store, which the attempts wrote to", async () => {
    const dir = await tempDir()
    await writeFile(join(dir, 'h.js'), 'export const many = (i) => ({ n: i.x })\nexport const each = (i) => i.row.n * 10\nexport const all = (i) => i.outs\n')
    await writeFile(join(dir, 'package.json'), '{ "type": "module" }\n')
    const pipeline = await pipelineFromYaml(
      'apiVersion: weir/v1\nkind: Pipeline\nname: mem\nio:\n  default: { type: memory }\ntasks:\n  many: { handler: ./h.js#many, foreach: [1, 2], inputs: { x: "${{ item }}" } }\n  mm: { handler: ./h.js#each, foreach: "${{ tasks.many.output }}", inputs: { row: "${{ item }}" } }\n  fan: { handler: ./h.js#all, inputs: { outs: "${{ tasks.mm.output }}" } }\n',
      dir,
    )
    const { runPipeline: runWithBuiltins } = await import('../../../../src/run-with-builtins.ts')
    const result = await runWithBuiltins(pipeline, { stateDir: join(dir, '.weir'), history: false })
    expect(result.status, JSON.stringify(result.tasks)).toBe('succeeded')
    expect(result.tasks.mm!.items).toMatchObject({ succeeded: 2, failed: 0 })
  })
})
