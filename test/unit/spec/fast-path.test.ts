/** The fast parser only ever gives clean verdicts, and steps aside where the two parsers could differ. */
import { describe, expect, test } from 'vitest'
import { parseFast } from '../../../src/spec/fast-parse.ts'
import { validateSpec } from '../../../src/spec/validate.ts'
import { testCatalog } from './support.ts'

const HEAD = 'apiVersion: weir/v1\nkind: Pipeline\nname: fast\n'

describe('parseFast', () => {
  test('reads plain specs, including cron strings full of asterisks', async () => {
    expect((await parseFast(`${HEAD}schedule: { cron: "*/5 * * * *" }\n`))?.data).toMatchObject({ schedule: { cron: '*/5 * * * *' } })
  })

  test.each([
    ['aliased collections', 'a: &x [1, 2]\nb: *x\n'],
    ['__proto__ keys', '__proto__: { polluted: true }\n'],
    ['duplicate keys', 'a: 1\na: 2\n'],
    ['several documents', 'a: 1\n---\nb: 2\n'],
    ['unknown tags', 'a: !custom 1\n'],
    ['syntax errors', 'a: [1, 2\n'],
    ['an empty file', ''],
    ['a top-level list', '- a\n'],
    // fuzz findings: the two parsers disagree on these
    // (a block scalar keeps the block reader out, so this reaches js-yaml)
    ['floats that overflow (yaml: Infinity, js-yaml: a string)', 'note: |\n  text\ndescription: 1e309\n'],
    ['a bare tag before a flow mapping', 'a: !{ b: 1 }\n'],
    // keys that are no names: the parsers named them '', 'null' or '[ x ]'
    ['a null key', 'tasks:\n  ~: { handler: ./h.ts#a }\n'],
    ['a key written null', 'tasks:\n  null: 1\n'],
    ['a null key in a flow mapping', 'a: { x: 1, ~: 2 }\n'],
    ['an empty key', 'tasks:\n  : 1\n'],
    ['an explicit key', 'tasks:\n  ? [x]\n  : 1\n'],
    // probe findings: js-yaml reads these, `yaml` refuses them
    ['a \\U escape past U+10FFFF (js-yaml: lone surrogates)', 'a: { x: "\\U00110000" }\n'],
    ['any \\U escape', 'a: { x: "\\U0001F600" }\n'],
    ['an implicit key over 1024 characters', `a:\n  ${'k'.repeat(1030)}: 1\n`],
    ['lone CR line endings', 'a: 1\rb: 2\r'],
    ['a stray CR in a line', 'a: { x: 1 }\nb: 2\rc: 3\n'],
  ])('steps aside for %s', async (_what, text) => {
    expect(await parseFast(text)).toBeUndefined()
  })

  test('the block reader reads an overflowing float as yaml does', async () => {
    expect((await parseFast('description: 1e309\n'))?.data).toEqual({ description: Infinity })
  })

  test('lines up to 1024 characters are read by js-yaml (a longer one may hold a key `yaml` refuses)', async () => {
    const key = 'k'.repeat(1010)
    expect((await parseFast(`a: { x: [1] }\nb:\n  ${key}: 1\n`))?.data).toEqual({ a: { x: [1] }, b: { [key]: 1 } })
  })

  test('aliased scalars are fine: they are plain values', async () => {
    expect((await parseFast('a: &x hello\nb: *x\n'))?.data).toEqual({ a: 'hello', b: 'hello' })
  })
})

describe('validateSpec with and without the fast path', () => {
  test.each([
    ['a clean spec', `${HEAD}tasks:\n  a: { handler: ./h.ts }\n`],
    ['a spec with a warning', `${HEAD}params: { p: { type: string } }\ntasks:\n  a: { handler: ./h.ts }\n`],
    ['a spec with an error', `${HEAD}tasks:\n  a: { handler: ./h.ts, trigger: never }\n`],
    ['a spec whose inputs are a string holding a reference (fuzz finding)', `${HEAD}tasks:\n  a: { handler: ./h.ts }\n  b: { handler: ./h.ts, inputs: "\${{ tasks.x.output }}" }\n`],
    ['a description that overflows as a number (fuzz finding)', `${HEAD}description: 1e309\ntasks:\n  a: { handler: ./h.ts }\n`],
    ['an input nested just under the nesting limit', `${HEAD}tasks:\n  a: { handler: ./h.ts, inputs: { x: ${'['.repeat(124)}${']'.repeat(124)} } }\n`],
    ['an input nested just over the nesting limit', `${HEAD}tasks:\n  a: { handler: ./h.ts, inputs: { x: ${'['.repeat(125)}${']'.repeat(125)} } }\n`],
    ['a \\U escape past U+10FFFF', `${HEAD}tasks:\n  a: { handler: ./h.ts, inputs: { x: "\\U00110000", y: "\\U0010FFFF" } }\n`],
    ['a \\U escape far past U+10FFFF (js-yaml: NUL)', `${HEAD}tasks:\n  a: { handler: ./h.ts, inputs: { x: "\\U80000000" } }\n`],
    ['a \\U escape in range', `${HEAD}tasks:\n  a: { handler: ./h.ts, inputs: { x: "\\U0001F600" } }\n`],
    ['an implicit key over 1024 characters', `${HEAD}tasks:\n  a:\n    handler: ./h.ts\n    inputs:\n      x:\n        ${'k'.repeat(1030)}: 1\n`],
    ['a long line that is no key', `${HEAD}description: "${'d'.repeat(2000)}"\ntasks:\n  a: { handler: ./h.ts, inputs: { x: [1] } }\n`],
    ['lone CR line endings', `${HEAD}tasks:\n  a:\n    handler: ./h.ts\n`.replace(/\n/g, '\r')],
    ['CRLF line endings', `${HEAD}tasks:\n  a:\n    handler: ./h.ts\n`.replace(/\n/g, '\r\n')],
    ['a recursive alias (issue 15)', `${HEAD}params: { p: &a [*a] }\ntasks:\n  a: { handler: ./h.ts }\n`],
  ])('%s gets the same result both ways', async (_what, text) => {
    const options = { path: '/nowhere/spec.yaml', plugins: testCatalog, checkHandlers: false }
    const fast = await validateSpec(text, options)
    const careful = await validateSpec(text, { ...options, fastPath: false })
    expect(fast.diagnostics).toEqual(careful.diagnostics)
    expect(fast.pipeline === undefined).toBe(careful.pipeline === undefined)
    if (fast.pipeline) expect({ ...fast.pipeline, tasks: [...fast.pipeline.tasks] }).toEqual({ ...careful.pipeline!, tasks: [...careful.pipeline!.tasks] })
  })
})
