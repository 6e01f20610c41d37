/**
 * Repeats in lists that must not have any (`needs`, `concat`, a schema's `required`): a short list is
 * compared item by item, a long one through a dictionary (scripts/build-schema.mjs); both must name
 * the same pair as Ajv's own check did, and the diagnostic points at its later entry, the repeat to
 * remove.
 */
import { describe, expect, test } from 'vitest'
import { validateSpec } from '../../../src/spec/validate.ts'
import { testCatalog } from './support.ts'
import { isDeepStrictEqual } from 'node:util'
import { checkAgainstSchema } from '../../../src/spec/json-schema.ts'
import { findRepeat } from '../../../src/spec/unique-items.ts'
import { compileCheck } from '../../../src/runtime/compile-check.ts'
import type { Pipeline } from '../../../src/spec/model.ts'

const HEAD = 'apiVersion: weir/v1\nkind: Pipeline\nname: uniq\n'
const check = async (text: string) =>
  (await validateSpec(`${HEAD}${text}`, { path: '/nowhere/spec.yaml', plugins: testCatalog, checkHandlers: false })).diagnostics.map((d) => [d.code, d.pointer, d.line, d.column, d.message])
const tasks = (n: number) => Array.from({ length: n }, (_, i) => `  t${i}: { handler: ./h.ts }\n`).join('')

describe('repeated list entries', () => {
  test('a short needs list: the repeat is reported, not the entry it repeats', async () => {
    expect(await check(`tasks:\n${tasks(3)}  x:\n    handler: ./h.ts\n    needs: [t0, t1, t0, t2]\n`)).toEqual([
      ['INVALID_VALUE', '/tasks/x/needs/2', 10, 21, "'needs' of task 'x' lists 't0' twice; remove the repeat."],
    ])
  })

  test('a long needs list: the same entry as a short one would give, whatever the length', async () => {
    const names = Array.from({ length: 12 }, (_, i) => `t${i}`)
    names.splice(9, 0, 't4') // t4 at 4 and 9: the repeat at 9 is reported
    expect(await check(`tasks:\n${tasks(12)}  x:\n    handler: ./h.ts\n    needs: [${names.join(', ')}]\n`)).toEqual([
      ['INVALID_VALUE', '/tasks/x/needs/9', 19, 49, "'needs' of task 'x' lists 't4' twice; remove the repeat."],
    ])
  })

  test('entries of another type are skipped by the check (the item check reports them), in short and long lists', async () => {
    const short = await check(`tasks:\n${tasks(2)}  x:\n    handler: ./h.ts\n    needs: [t1, 3, t0, 3, t1]\n`)
    expect(short.filter((d) => d[0] === 'INVALID_VALUE').map((d) => d[1])).toEqual(['/tasks/x/needs/4'])
    const long = await check(`tasks:\n${tasks(9)}  x:\n    handler: ./h.ts\n    needs: [t1, 3, t0, t2, t3, t4, t5, t6, t7, t8, 3, t0]\n`)
    expect(long.filter((d) => d[0] === 'INVALID_VALUE').map((d) => d[1])).toEqual(['/tasks/x/needs/11'])
  })

  test("a type's required list, through the JSON Schema check", async () => {
    const diagnostics = await check(`types:\n  T: { type: object, required: [a, b, c, d, e, f, g, h, i, b] }\ntasks:\n${tasks(1)}`)
    expect(diagnostics.map((d) => [d[0], d[1], d[4]])).toEqual([['INVALID_SCHEMA', '/types/T/required', "'required' in type 'T' lists 'b' twice; remove the repeat."]])
  })
})

/**
 * `uniqueItems` in the schemas users write (params, outputs, values): Ajv compared every pair of
 * items, and a param default of 250,000 numbers took 44 s to validate. Now each item is read once.
 */
describe('uniqueItems in user schemas', () => {
  const schema = { type: 'array', uniqueItems: true } as const

  /** Items whose one key counts its reads: a pairwise comparison reads each item once per other item. */
  const countingItems = (n: number) => {
    let reads = 0
    const items = Array.from({ length: n }, (_, i) => Object.defineProperty({}, 'k', { enumerable: true, get: () => (reads++, i) }))
    return { items, reads: () => reads }
  }

  test('spec validation reads each item once', async () => {
    const { items, reads } = countingItems(3000)
    expect(await checkAgainstSchema(items, schema)).toEqual([])
    expect(reads()).toBeLessThanOrEqual(2 * 3000)
  })

  test('the runtime check reads each item once', async () => {
    const check = await compileCheck({ types: {} } as unknown as Pipeline, schema)
    const { items, reads } = countingItems(3000)
    expect(check(items)).toEqual([])
    expect(reads()).toBeLessThanOrEqual(2 * 3000)
  })

  test('equal as JSON Schema says: keys in any order, 1 and 1.0, nested lists; not "1" and 1', () => {
    expect(findRepeat([{ a: 1, b: [2, { c: 3 }] }, { b: [2, { c: 3.0 }], a: 1 }])).toEqual({ i: 0, j: 1 })
    expect(findRepeat([1, '1', [1], ['1'], { a: 1 }, { a: '1' }, null, 'null', true, 'true', 0, -0])).toEqual({ i: 10, j: 11 })
    expect(findRepeat([{ a: 1 }, { a: 1, b: 2 }, [1, 2], [2, 1]])).toBeUndefined()
  })

  test('the pair reported is the one Ajv reported: from the end, the first item equal to a later one', () => {
    let seed = 7
    const random = (n: number) => (seed = (seed * 1103515245 + 12345) % 2147483648) % n
    const values = [1, 2, 'a', { x: 1 }, { y: [1] }, [1], null]
    for (let round = 0; round < 500; round++) {
      const items = Array.from({ length: random(8) }, () => structuredClone(values[random(values.length)]))
      let expected: { i: number; j: number } | undefined
      for (let i = items.length - 1; i >= 0 && !expected; i--)
        for (let j = i + 1; j < items.length && !expected; j++) if (isDeepStrictEqual(items[i], items[j])) expected = { i, j }
      expect(findRepeat(items), JSON.stringify(items)).toEqual(expected)
    }
  })

  test('the message keeps Ajv words, and a spec diagnostic points at the repeat', async () => {
    const runtime = await compileCheck({ types: {} } as unknown as Pipeline, { type: 'object', properties: { list: schema } })
    expect(runtime({ list: [1, 2, 1] })).toEqual(["'list' must NOT have duplicate items (items ## 2 and 0 are identical)"])
    expect(await check(`params:\n  p: { type: array, uniqueItems: true, default: [1, { a: 1, b: 2 }, 3, { b: 2, a: 1.0 }] }\ntasks:\n  t: { handler: ./h.ts, inputs: { p: "\${{ params.p }}" } }\n`)).toEqual([
      ['INVALID_DEFAULT', '/params/p/default/3', 5, 72, "The default of param 'p' lists a mapping twice (items 1 and 3); remove the repeat."],
    ])
  })
})

