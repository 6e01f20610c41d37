/**
 * Repeats in lists that must not have any (`needs`, `concat`, a schema's `required`): a short list is
 * compared item by item, a long one through a dictionary (scripts/build-schema.mjs); both must name
 * the same entry, the earlier of the two, as Ajv's own check did.
 */
import { describe, expect, test } from 'vitest'
import { validateSpec } from '../../../src/spec/validate.ts'
import { testCatalog } from './support.ts'

const HEAD = 'apiVersion: weir/v1\nkind: Pipeline\nname: uniq\n'
const check = async (text: string) =>
  (await validateSpec(`${HEAD}${text}`, { path: '/nowhere/spec.yaml', plugins: testCatalog, checkHandlers: false })).diagnostics.map((d) => [d.code, d.pointer, d.line, d.column, d.message])
const tasks = (n: number) => Array.from({ length: n }, (_, i) => `  t${i}: { handler: ./h.ts }\n`).join('')

describe('repeated list entries', () => {
  test('a short needs list: the earlier of the two entries is reported', async () => {
    expect(await check(`tasks:\n${tasks(3)}  x:\n    handler: ./h.ts\n    needs: [t0, t1, t0, t2]\n`)).toEqual([
      ['INVALID_VALUE', '/tasks/x/needs/0', 10, 13, "'needs' of task 'x' lists 't0' twice; remove the repeat."],
    ])
  })

  test('a long needs list: the same entry as a short one would give, whatever the length', async () => {
    const names = Array.from({ length: 12 }, (_, i) => `t${i}`)
    names.splice(9, 0, 't4') // t4 at 4 and 9: the entry at 4 is reported
    expect(await check(`tasks:\n${tasks(12)}  x:\n    handler: ./h.ts\n    needs: [${names.join(', ')}]\n`)).toEqual([
      ['INVALID_VALUE', '/tasks/x/needs/4', 19, 29, "'needs' of task 'x' lists 't4' twice; remove the repeat."],
    ])
  })

  test('entries of another type are skipped by the check (the item check reports them), in short and long lists', async () => {
    const short = await check(`tasks:\n${tasks(2)}  x:\n    handler: ./h.ts\n    needs: [t1, 3, t0, 3, t1]\n`)
    expect(short.filter((d) => d[0] === 'INVALID_VALUE').map((d) => d[1])).toEqual(['/tasks/x/needs/0'])
    const long = await check(`tasks:\n${tasks(9)}  x:\n    handler: ./h.ts\n    needs: [t1, 3, t0, t2, t3, t4, t5, t6, t7, t8, 3, t0]\n`)
    expect(long.filter((d) => d[0] === 'INVALID_VALUE').map((d) => d[1])).toEqual(['/tasks/x/needs/2'])
  })

  test("a type's required list, through the JSON Schema check", async () => {
    const diagnostics = await check(`types:\n  T: { type: object, required: [a, b, c, d, e, f, g, h, i, b] }\ntasks:\n${tasks(1)}`)
    expect(diagnostics.map((d) => [d[0], d[1], d[4]])).toEqual([['INVALID_SCHEMA', '/types/T/required', "'required' in type 'T' lists 'b' twice; remove the repeat."]])
  })
})
