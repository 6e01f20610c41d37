/** getting-started.md: `weir spec validate` "reports every problem at once". */
import { describe, expect, test } from 'vitest'
import { validateSpec } from '../../../src/spec/validate.ts'
import { testCatalog } from './support.ts'

const check = async (text: string) =>
  (await validateSpec(text, { path: '/nowhere/spec.yaml', plugins: testCatalog, checkHandlers: false })).diagnostics.map((d) => `${d.line}:${d.column} ${d.code} ${d.message}`)

describe('every problem at once', () => {
  test('each missing top-level key, not the first alone', async () => {
    expect(await check('apiVersion: weir/v1\n')).toEqual([
      "1:1 MISSING_FIELD The pipeline is missing the required key 'kind' (add 'kind: Pipeline').",
      "1:1 MISSING_FIELD The pipeline is missing the required key 'name' (e.g. 'name: daily_sales').",
      "1:1 MISSING_FIELD The pipeline is missing the required key 'tasks' (e.g. 'tasks: { extract: { handler: ./handlers/extract.ts } }').",
    ])
  })
  test('a key written twice, or one that is no name, is reported beside the other problems, not instead of them', async () => {
    const head = 'apiVersion: weir/v1\nkind: Pipeline\nname: p\n'
    expect(await check(`${head}tasks:\n  a:\n    handler: ./h.ts#a\n    retry: 1\n  b:\n    handler: ./h.ts#a\n    inputs: { x: 1, x: 2 }\n`)).toEqual([
      "7:5 UNKNOWN_KEY Unknown key 'retry' in task 'a'; did you mean 'retries'?",
      "10:21 DUPLICATE_KEY Key 'x' appears twice in 'tasks.b.inputs'; remove or rename one of them.",
    ])
    const found = await check(`${head}params:\n  123: { type: string }\ntasks:\n  a:\n    handler: ./h.ts#a\n    inputs:\n      : 2\n  ~:\n    handler: ./h.ts#a\n`)
    expect(found.map((f) => f.split(' ').slice(0, 2).join(' '))).toEqual(['5:3 INVALID_NAME', '5:3 UNUSED_PARAM', '10:7 KEY_NOT_STRING', '11:3 KEY_NOT_STRING'])
  })
  test('an unused param with an invalid name is not told to be passed with a reference that would be invalid too', async () => {
    const found = await check('apiVersion: weir/v1\nkind: Pipeline\nname: p\nparams:\n  größe: { type: integer, default: 1 }\ntasks:\n  a: { handler: ./h.ts#a }\n')
    expect(found.filter((f) => f.includes('UNUSED_PARAM'))).toEqual(["5:3 UNUSED_PARAM Param 'größe' is declared but never used; remove it."])
  })
})

describe('an unquoted expression in a flow mapping', () => {
  test('is one diagnostic that says to quote it, not five in the parser\'s words', async () => {
    const found = await check('apiVersion: weir/v1\nkind: Pipeline\nname: p\nparams:\n  limit: { type: integer, default: 1 }\ntasks:\n  a:\n    handler: ./h.ts#a\n    inputs: { l: ${{ params.limit }} }\n')
    expect(found).toEqual([`9:19 YAML_SYNTAX Unexpected flow-map-start at node end: an unquoted '\${{ … }}' inside { } or [ ] reads as YAML's own braces; quote it, as in { x: "\${{ params.limit }}" }.`])
  })
})
