import { describe, expect, test } from 'vitest'
import { createScheduler, STATE } from '../../../src/runtime/scheduler.ts'
import type { StateCode } from '../../../src/runtime/scheduler.ts'
import { createTaskGraph } from '../../../src/runtime/task-graph.ts'
import type { TriggerRule } from '../../../src/spec/model.ts'
import { parseParamArgs, resolveParams } from '../../../src/runtime/params.ts'
import { pipelineFromYaml } from './helpers.ts'

function chain(n: number) {
  const ids = Array.from({ length: n }, (_, i) => `t${i}`)
  return createTaskGraph(ids, ids.map((_, i) => (i ? [i - 1] : [])), ids.map((): TriggerRule => 'all_success'))
}

describe('the DAG scheduler', () => {
  test('skips a 100,000-task chain after its root fails without deep recursion', () => {
    const graph = chain(100_000)
    const skipped: number[] = []
    let done = false
    const scheduler = createScheduler(graph, 4, {
      start: (i) => queueMicrotask(() => scheduler.complete(i, 'failed')),
      skip: (i) => skipped.push(i),
      cancel: () => {},
      done: () => (done = true),
    })
    scheduler.begin()
    return new Promise<void>((resolve) =>
      queueMicrotask(() => {
        expect(done).toBe(true)
        expect(skipped).toHaveLength(99_999)
        expect(scheduler.state(99_999)).toBe(STATE.skipped)
        resolve()
      }),
    )
  })

  test('starts tasks whose upstream tasks were finished before (resume), and only those not finished', () => {
    const graph = createTaskGraph(['a', 'b', 'c'], [[], [0], [1]], ['all_success', 'all_success', 'all_success'])
    const started: string[] = []
    const scheduler = createScheduler(graph, 4, { start: (i) => started.push(graph.ids[i]!), skip: () => {}, cancel: () => {}, done: () => {} })
    scheduler.begin(new Map<number, StateCode>([[0, STATE.succeeded]]))
    expect(started).toEqual(['b'])
  })

  test('starts ready tasks in declaration order, at most `concurrency` at once', () => {
    const ids = ['a', 'b', 'c', 'd', 'e']
    const graph = createTaskGraph(ids, ids.map(() => []), ids.map((): TriggerRule => 'all_success'))
    const started: string[] = []
    const scheduler = createScheduler(graph, 2, { start: (i) => started.push(graph.ids[i]!), skip: () => {}, cancel: () => {}, done: () => {} })
    scheduler.begin()
    expect(started).toEqual(['a', 'b'])
    scheduler.complete(1, 'succeeded')
    expect(started).toEqual(['a', 'b', 'c'])
    expect(scheduler.running).toBe(2)
  })

  test("a mapped task's slot requests are granted after ready tasks; one asked back goes ahead of the others", () => {
    const ids = ['m', 'b']
    const graph = createTaskGraph(ids, ids.map(() => []), ids.map((): TriggerRule => 'all_success'))
    const started: string[] = []
    const granted: string[] = []
    const scheduler = createScheduler(graph, 1, { start: (i) => started.push(graph.ids[i]!), skip: () => {}, cancel: () => {}, done: () => {} })
    scheduler.begin()
    expect(started).toEqual(['m'])
    expect(scheduler.taskWaiting).toBe(true)
    scheduler.requestSlot(() => (granted.push('more'), true))
    expect(granted).toEqual([])
    // m lends its own slot to b, then asks for it back.
    scheduler.releaseSlot()
    expect(started).toEqual(['m', 'b'])
    expect(scheduler.taskWaiting).toBe(false)
    scheduler.requestSlot(() => (granted.push('back'), true), true)
    scheduler.complete(1, 'succeeded')
    expect(granted).toEqual(['back'])
    expect(scheduler.running).toBe(1)
  })

  test('stop(cancel) cancels everything not started; running tasks finish normally', () => {
    const graph = chain(3)
    const cancelled: number[] = []
    let done = false
    const scheduler = createScheduler(graph, 4, { start: () => {}, skip: () => {}, cancel: (i) => cancelled.push(i), done: () => (done = true) })
    scheduler.begin()
    scheduler.stop('cancel')
    expect(cancelled).toEqual([1, 2])
    expect(done).toBe(false)
    scheduler.complete(0, 'cancelled')
    expect(done).toBe(true)
  })
})

describe('params', () => {
  const yaml = `apiVersion: weir/v1
kind: Pipeline
name: p
params:
  n: { type: integer, default: 1 }
  ratio: { type: number, default: 0.5 }
  flag: { type: boolean, default: false }
  name: { type: string, default: x }
  tags: { type: array, items: { type: string }, default: [] }
  anything: { default: null }
tasks:
  t:
    handler: ./h.ts#t
    inputs: { a: "\${{ params.n }}", b: "\${{ params.ratio }}", c: "\${{ params.flag }}", d: "\${{ params.name }}", e: "\${{ params.tags }}", f: "\${{ params.anything }}" }
`
  test('types --param values by their schema', async () => {
    const pipeline = await pipelineFromYaml(yaml)
    const given = parseParamArgs(pipeline, ['n=3', 'ratio=0.25', 'flag=true', 'name=007', 'tags=["a","b"]', 'anything=plain text'])
    expect(given).toEqual({ n: 3, ratio: 0.25, flag: true, name: '007', tags: ['a', 'b'], anything: 'plain text' })
    expect(await resolveParams(pipeline, given)).toEqual(given)
    expect(await resolveParams(pipeline, {})).toEqual({ n: 1, ratio: 0.5, flag: false, name: 'x', tags: [], anything: null })
  })

  test.each([
    { arg: 'n=1.5', message: "Param 'n' is invalid: value must be integer (got 1.5)." },
    { arg: 'flag=yes', message: "Param 'flag' must be true or false, not 'yes'." },
    { arg: 'tags=a,b', message: "Param 'tags' must be JSON of type array, not 'a,b'." },
    { arg: 'tags=[1]', message: "Param 'tags' is invalid: 'tags[0]' must be string (got [1])." },
  ])('refuses $arg', async ({ arg, message }) => {
    const pipeline = await pipelineFromYaml(yaml)
    await expect((async () => resolveParams(pipeline, parseParamArgs(pipeline, [arg])))()).rejects.toMatchObject({ code: 'PARAM_INVALID', message })
  })
})
