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
})
