/**
 * The runtime pieces of mapped tasks (issue 11, docs/fan-out.md): the foreach list, item inputs,
 * the derived status of a map (Databricks for_each semantics) and fan-in. Running maps: run-map.test.ts.
 */
import { describe, expect, test } from 'vitest'
import { resolveMapItems, MAX_MAP_ITEMS } from '../../../../src/runtime/map/items.ts'
import { countItems, deriveMapStatus, formatItemCounts } from '../../../../src/runtime/map/derive-status.ts'
import type { ItemStatus } from '../../../../src/runtime/map/derive-status.ts'
import { collectItemOutputs, collectItemValues } from '../../../../src/runtime/map/fan-in.ts'
import { resolveInputs } from '../../../../src/runtime/resolve-inputs.ts'
import type { MapDecl } from '../../../../src/spec/model.ts'

const sources = (output: unknown, params: Record<string, unknown> = {}) => ({ readOutput: async () => output, values: { scan: { files: ['a', 'b'] } }, params })
const decl = (source: MapDecl['source']): MapDecl => ({ source, pointer: '/tasks/m/foreach' })

describe('the foreach list', () => {
  test('comes from an upstream output (with a path), a value, a param or a literal, in order', async () => {
    expect(await resolveMapItems('m', decl({ kind: 'ref', ref: { kind: 'output', taskId: 'a', path: [] } }), sources([3, 1, 2]))).toEqual([3, 1, 2])
    expect(await resolveMapItems('m', decl({ kind: 'ref', ref: { kind: 'output', taskId: 'a', path: ['regions'] } }), sources({ regions: ['EU'] }))).toEqual(['EU'])
    expect(await resolveMapItems('m', decl({ kind: 'ref', ref: { kind: 'value', taskId: 'scan', name: 'files' } }), sources(undefined))).toEqual(['a', 'b'])
    expect(await resolveMapItems('m', decl({ kind: 'ref', ref: { kind: 'param', name: 'days' } }), sources(undefined, { days: ['d1'] }))).toEqual(['d1'])
    expect(await resolveMapItems('m', decl({ kind: 'literal', value: [] }), sources(undefined))).toEqual([])
  })

  test('that is not an array at run time, or too long, fails the task with MAP_ITEMS_INVALID', async () => {
    const out = decl({ kind: 'ref', ref: { kind: 'output', taskId: 'a', path: [] } })
    await expect(resolveMapItems('m', out, sources({ n: 1 }))).rejects.toMatchObject({ code: 'MAP_ITEMS_INVALID', message: expect.stringContaining("the output of task 'a', which is an object, not a list") })
    await expect(resolveMapItems('m', out, sources(undefined))).rejects.toMatchObject({ code: 'MAP_ITEMS_INVALID', message: expect.stringContaining('missing') })
    await expect(resolveMapItems('m', out, sources(new Array(MAX_MAP_ITEMS + 1).fill(0)))).rejects.toMatchObject({ code: 'MAP_ITEMS_INVALID' })
    // A path never follows the prototype chain.
    const proto = decl({ kind: 'ref', ref: { kind: 'output', taskId: 'a', path: ['__proto__'] } })
    await expect(resolveMapItems('m', proto, sources({}))).rejects.toMatchObject({ code: 'MAP_ITEMS_INVALID' })
  })
})

describe('item inputs', () => {
  const run = { id: 'r', pipeline: 'p', trigger: 'manual', scheduled_at: null }
  test('${{ item }}, ${{ item.field }} and ${{ item_index }} read the current item; other inputs are shared', async () => {
    const item = { value: { code: 'EU', meta: { w: 2 } }, index: 7 }
    const resolved = await resolveInputs(
      {
        whole: { kind: 'ref', ref: { kind: 'item', path: [] } },
        code: { kind: 'ref', ref: { kind: 'item', path: ['code'] } },
        deep: { kind: 'ref', ref: { kind: 'item', path: ['meta', 'w'] } },
        at: { kind: 'ref', ref: { kind: 'item_index' } },
        label: { kind: 'template', parts: ['region ', { kind: 'item', path: ['code'] }, ' #', { kind: 'item_index' }] },
        shared: { kind: 'literal', value: 1 },
      },
      { readOutput: async () => undefined, values: {}, params: {}, run, item },
    )
    expect(resolved).toEqual({ whole: item.value, code: 'EU', deep: 2, at: 7, label: 'region EU #7', shared: 1 })
    // Each item's handler gets its own copy: changing it changes nothing the next item sees.
    ;(resolved.whole as { code: string }).code = 'changed'
    expect(item.value.code).toBe('EU')
  })

  test('an item reference outside an item run is refused, never undefined', async () => {
    await expect(resolveInputs({ x: { kind: 'ref', ref: { kind: 'item', path: [] } } }, { readOutput: async () => undefined, values: {}, params: {}, run })).rejects.toMatchObject({ code: 'INTERNAL' })
  })
})

describe('the status of a mapped task (Databricks for_each semantics)', () => {
  const cases: [ItemStatus[], ReturnType<typeof deriveMapStatus>][] = [
    [[], 'succeeded'], // an empty list is a success with zero items
    [['succeeded', 'succeeded'], 'succeeded'],
    [['succeeded', 'failed', 'succeeded'], 'failed'],
    [['failed', 'running'], undefined], // the other items run to the end
    [['succeeded', 'pending'], undefined],
    [['succeeded', 'cancelled'], 'cancelled'],
    [['failed', 'cancelled'], 'failed'],
  ]
  test.each(cases)('%j → %s', (items, want) => {
    expect(deriveMapStatus(items)).toBe(want)
  })

  test('counts read as one row', () => {
    const statuses: ItemStatus[] = [...new Array<ItemStatus>(812).fill('succeeded'), ...new Array<ItemStatus>(3).fill('failed'), ...new Array<ItemStatus>(9185).fill('pending')]
    expect(formatItemCounts(countItems(statuses))).toBe('812/10,000 succeeded, 3 failed')
  })
})

describe('fan-in', () => {
  test('item outputs in item order, undefined where an item has none', async () => {
    const read = async (i: number) => ({ i })
    expect(await collectItemOutputs(3, read, (i) => i !== 1)).toEqual([{ i: 0 }, undefined, { i: 2 }])
    expect(await collectItemOutputs(0, read, () => true)).toEqual([])
  })

  test('values as one list per name, null for an item that set none (or failed), as JSON would have it', () => {
    expect(collectItemValues([{ n: 1 }, undefined, { n: 3, other: 0 }], ['n', 'other'])).toStrictEqual({ n: [1, null, 3], other: [null, null, 0] })
  })
})
