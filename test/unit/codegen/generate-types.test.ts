import { describe, expect, test } from 'vitest'
import { join } from 'node:path'
import { generateTypes, GENERATED_HEADER } from '../../../src/codegen/generate-types.ts'
import { allocateTypeNames, toTypeName } from '../../../src/codegen/type-names.ts'
import { literalType } from '../../../src/codegen/input-types.ts'
import { declareSchema, prepareSchema } from '../../../src/codegen/schema-to-ts.ts'
import { CODEGEN_FIXTURES, exampleSpecs, loadPipeline } from './support.ts'

const shopSpec = join(CODEGEN_FIXTURES, 'shop/pipelines/shop.yaml')
const edgeSpec = join(CODEGEN_FIXTURES, 'edge/pipelines/edge.yaml')

describe('generated handler types', () => {
  test('pin the shop fixture (every binding kind, a table output, values, shared types)', async () => {
    const file = await generateTypes(await loadPipeline(shopSpec), { specPath: '../pipelines/shop.yaml' })
    expect(file.path).toBe('shop.ts')
    await expect(file.contents).toMatchFileSnapshot('./__snapshots__/shop.ts')
  })

  test('pin the edge fixture (clashing names, recursive and nullable types, every column type)', async () => {
    const file = await generateTypes(await loadPipeline(edgeSpec), { specPath: '../pipelines/edge.yaml' })
    await expect(file.contents).toMatchFileSnapshot('./__snapshots__/edge.ts')
  })

  test('are byte-for-byte the same on every run, for every example in pipelines/', async () => {
    for (const spec of await exampleSpecs()) {
      const pipeline = await loadPipeline(spec)
      const [a, b] = [await generateTypes(pipeline), await generateTypes(await loadPipeline(spec))]
      expect(a.contents, spec).toBe(b.contents)
      expect(a.path).toBe(`${pipeline.name}.ts`)
    }
  })

  test('start with the header that --typecheck recognises, naming the pipeline and the spec', async () => {
    const file = await generateTypes(await loadPipeline(shopSpec), { specPath: '../pipelines/shop.yaml' })
    expect(GENERATED_HEADER.exec(file.contents)?.[1]).toBe('shop')
    expect(file.contents.split('\n')[0]).toContain('(../pipelines/shop.yaml). Do not edit')
    expect(file.contents).not.toContain(CODEGEN_FIXTURES)
  })

  test('import apache-arrow only when a task outputs a table', async () => {
    const shop = await generateTypes(await loadPipeline(shopSpec))
    expect(shop.contents).toContain('import type * as arrow from "apache-arrow";')
    const [example] = await exampleSpecs()
    const pipeline = await loadPipeline(example!)
    const file = await generateTypes(pipeline)
    const hasTable = [...pipeline.tasks.values()].some((t) => t.output.kind === 'table')
    expect(file.contents.includes('from "apache-arrow"')).toBe(hasTable)
  })
})

describe('type names', () => {
  test.each([
    ['daily_sales', 'DailySales'],
    ['Summary', 'Summary'],
    ['order_row_v2', 'OrderRowV2'],
    ['_x', 'X'],
    ['2fa', 'T2fa'],
  ])('%s → %s', (name, want) => {
    expect(toTypeName(name)).toBe(want)
  })

  test('a shared type named like a generated type gets a suffix; tasks that clash get numbers', async () => {
    const names = allocateTypeNames(await loadPipeline(edgeSpec))
    expect(names.shared.get('Params')).toBe('ParamsType')
    expect(names.shared.get('tree_alias')).toBe('TreeAlias')
    // Globals the generated code uses (Promise<…>, Record<…>, AbortSignal, Date) are never shadowed.
    expect(['Promise', 'Record', 'Date', 'AbortSignal'].map((n) => names.shared.get(n))).toEqual(['PromiseType', 'RecordType', 'DateType', 'AbortSignalType'])
    expect(names.tasks.get('load_2')).toEqual({ inputs: 'Load2Inputs', output: 'Load2Output', values: 'Load2Values', columns: 'Load2Columns' })
    expect(names.tasks.get('load2')).toEqual({ inputs: 'Load2Inputs2', output: 'Load2Output2', values: 'Load2Values2' })
  })
})

describe('literal inputs', () => {
  test.each([
    ['text', 'string'],
    [3, 'number'],
    [true, 'boolean'],
    [null, 'null'],
    [[], 'unknown[]'],
    [['a', 'b'], 'string[]'],
    [['a', 1], '(string | number)[]'],
    [{ 'a-b': 1, c: [true] }, '{ "a-b": number; c: boolean[] }'],
  ])('%j is typed %s', (value, want) => {
    expect(literalType(value)).toBe(want)
  })
})

describe('schemas before json-schema-to-typescript', () => {
  const shared = new Map([['Summary', 'Summary']])

  test('a $ref becomes the shared type by name, with sibling constraints intersected', () => {
    expect(prepareSchema({ $ref: '#/$defs/Summary', description: 'd' }, shared)).toEqual({ description: 'd', tsType: 'Summary' })
    expect(prepareSchema({ $ref: '#/$defs/Summary', required: ['x'] }, shared)).toEqual({ allOf: [{ tsType: 'Summary' }, { required: ['x'], tsType: 'unknown' }] })
    expect(prepareSchema({ $ref: '#/$defs/Nope' }, shared)).toEqual({ tsType: 'unknown' })
  })

  test('titles and code-injecting keys are dropped; listed properties close the object', () => {
    expect(prepareSchema({ type: 'object', title: 'X', tsType: 'any', properties: { title: { type: 'string', title: 'T' } } }, shared)).toEqual({
      type: 'object',
      properties: { title: { type: 'string' } },
      additionalProperties: false,
    })
  })

  test.each([
    { default: 1 },
    { description: 'anything', default: [1] },
    { properties: { x: { type: 'number' } } },
    { items: { type: 'string' } },
    { not: { type: 'string' } },
  ])('%j names no kind of value, so it is unknown (any JSON value passes)', (schema) => {
    expect(prepareSchema(schema, shared).tsType).toBe('unknown')
  })

  test('an object that says nothing about its keys is `object`', () => {
    expect(prepareSchema({ type: 'object' }, shared)).toEqual({ type: 'object', tsType: 'object' })
  })

  test("patternProperties: each pattern is named in a comment of weir's words, nested too, whatever it holds", async () => {
    // The compiler wrote "referenced by `undefined`'s JSON-Schema definition" inside a property, and
    // escaped only the first `*/` of a pattern: a second one ended its comment, and codegen failed.
    const schema = { type: 'object', properties: { n: { type: 'object', patternProperties: { '^x': { type: 'string' }, '^y*/a*/': { type: 'integer' } } } }, patternProperties: { '^z': { type: 'boolean' } } }
    const code = await declareSchema('Out', prepareSchema(schema, shared))
    expect(code).not.toMatch(/undefined`|JSON-Schema definition|weir-pattern/)
    expect(code).toContain('/** Keys that match "^z". */')
    expect(code).toContain('* Keys that match "^x".')
    expect(code).toContain('* Keys that match "^y*\\/a*\\/".')
  })
})
