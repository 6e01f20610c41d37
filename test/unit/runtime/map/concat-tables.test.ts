/**
 * A concatenated fan-in (`concat:`, docs/fan-out.md#one-table-concat): the items' tables as one
 * table, rows in item order, without copying the items' data, with a clear error when the items
 * disagree on their columns, and an empty table with the declared columns for an empty map.
 */
import { describe, expect, test } from 'vitest'
import { Dictionary, Int32, Int64, Table, Utf8, vectorFromArray } from 'apache-arrow'
import { concatItemTables } from '../../../../src/runtime/map/concat-tables.ts'
import { rowsToTable } from '../../../../src/plugins/io/table/rows-to-table.ts'
import type { StoredRef } from '../../../../src/plugins/types.ts'
import { COLUMN_TYPES, type ColumnType } from '../../../../src/spec/model.ts'
import { resolveInputs } from '../../../../src/runtime/resolve-inputs.ts'
import { computeCacheKey } from '../../../../src/runtime/cache/cache-key.ts'
import { runPipeline } from '../../../../src/runtime/run-pipeline.ts'
import { builtinIo } from '../../../../src/plugins/builtin-io.ts'
import { pipelineFromYaml, tempDir } from '../helpers.ts'
import { readFile, symlink, writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const columns: Record<string, ColumnType> = { id: 'int64', name: 'string' }
const refOf = (i: number): StoredRef => ({ uri: `test://m/items/${i}`, format: 'parquet', io: 'test' })
const indexOf = (ref: StoredRef) => Number(ref.uri.split('/').at(-1))

/** Item i holds `sizes[i]` rows: ids i*100, i*100+1, …, names `i:k`. */
function items(sizes: readonly number[]): Table[] {
  return sizes.map((n, i) => rowsToTable(Array.from({ length: n }, (_, k) => ({ id: i * 100 + k, name: `${i}:${k}` })), columns))
}

function concat(tables: readonly (unknown | undefined)[], more: { columns?: Record<string, ColumnType>; read?: (ref: StoredRef) => Promise<unknown> } = {}) {
  return concatItemTables({
    taskId: 'm',
    columns: more.columns ?? columns,
    refs: tables.map((t, i) => (t === undefined ? undefined : refOf(i))),
    read: more.read ?? (async (ref) => tables[indexOf(ref)]),
  })
}

/** A table with plain (not dictionary) strings, as built by hand. */
const utf8 = (values: string[]) => vectorFromArray(values, new Utf8())
const int64 = (values: number[]) => vectorFromArray(values.map(BigInt), new Int64())

const rows = (t: Table) => t.toArray().map((r) => ({ id: Number(r.id), name: r.name as string }))

describe('concatenating the items of a mapped table task', () => {
  test('rows come in item order, each item in its own order; items without an output add none', async () => {
    const tables = items([2, 0, 3, 1])
    const result = await concat([tables[0], tables[1], undefined, tables[2], tables[3]])
    expect(result.numRows).toBe(6)
    expect(rows(result).map((r) => r.name)).toEqual(['0:0', '0:1', '2:0', '2:1', '2:2', '3:0'])
    expect(result.schema.fields.map((f) => [f.name, String(f.type)])).toEqual([['id', 'Int64'], ['name', 'Utf8']])
  })

  test("the items' column data is shared, not copied", async () => {
    const tables = items([3, 2])
    const result = await concat(tables)
    expect(result.batches).toHaveLength(2)
    expect(result.batches[0]!.data.children[0]).toBe(tables[0]!.batches[0]!.data.children[0])
    expect(result.batches[1]!.data.children[1]).toBe(tables[1]!.batches[0]!.data.children[1])
  })

  test('columns come in the declared order, whatever order an item stored them in', async () => {
    const swapped = new Table({ name: utf8(['x']), id: int64([7]) })
    const result = await concat([items([1])[0], swapped])
    expect(result.schema.fields.map((f) => f.name)).toEqual(['id', 'name'])
    expect(rows(result)).toEqual([{ id: 0, name: '0:0' }, { id: 7, name: 'x' }])
  })

  test('an empty map, or one whose items stored nothing, gives no rows and the declared columns', async () => {
    const all: Record<string, ColumnType> = { b: 'bool', i: 'int16', u: 'uint64', f: 'float32', s: 'string', bin: 'binary', d: 'date', t: 'timestamp' }
    const every = Object.fromEntries(COLUMN_TYPES.map((type) => [`c_${type}`, type]))
    const typesOf = (t: Table) => t.schema.fields.map((f) => [f.name, String(f.type)])
    expect(typesOf(await concat([], { columns: every }))).toEqual(typesOf(rowsToTable([], every)))
    const fromRows = typesOf(rowsToTable([], all))
    for (const list of [[], [undefined, undefined]]) {
      const result = await concat(list, { columns: all })
      expect(result.numRows).toBe(0)
      // As a task returning rows stores them.
      expect(result.schema.fields.map((f) => [f.name, String(f.type)])).toEqual(fromRows)
      expect(result.schema.fields.map((f) => [f.name, String(f.type)])).toEqual([
        ['b', 'Bool'], ['i', 'Int16'], ['u', 'Uint64'], ['f', 'Float32'], ['s', 'Utf8'], ['bin', 'Binary'], ['d', 'Date32<DAY>'], ['t', 'Timestamp<MILLISECOND>'],
      ])
    }
  })

  test('dictionary-encoded columns concatenate when their index and value types agree', async () => {
    const dict = (values: string[]) => new Table({ id: vectorFromArray(values.map((_, k) => BigInt(k))), name: vectorFromArray(values, new Dictionary(new Utf8(), new Int32())) })
    const result = await concat([dict(['a', 'b']), dict(['c'])])
    expect(rows(result).map((r) => r.name)).toEqual(['a', 'b', 'c'])
  })

  test('items that store another type for a column fail with CONCAT_SCHEMA_MISMATCH naming the item and the column', async () => {
    const narrow = new Table({ id: vectorFromArray([1], new Int32()), name: utf8(['x']) })
    await expect(concat([...items([1, 1]), narrow])).rejects.toMatchObject({
      code: 'CONCAT_SCHEMA_MISMATCH',
      message: "Item 2 of task 'm' has column 'id' as Int32, item 0 as Int64; the items of a concatenated table must store the same column types (build every item's table the same way).",
    })
    const dictionary = new Table({ id: vectorFromArray([1n]), name: vectorFromArray(['x'], new Dictionary(new Utf8(), new Int32())) })
    await expect(concat([undefined, ...items([1]), dictionary])).rejects.toMatchObject({ code: 'CONCAT_SCHEMA_MISMATCH', message: expect.stringContaining("Item 2 of task 'm' has column 'name' as Dictionary<Int32, Utf8>, item 1 as Utf8") })
  })

  test('an item with a missing or undeclared column, or not a table at all, is named too', async () => {
    await expect(concat([new Table({ id: int64([1]) })])).rejects.toMatchObject({ code: 'CONCAT_SCHEMA_MISMATCH', message: expect.stringContaining("Item 0 of task 'm' has no column 'name'") })
    await expect(concat([...items([1]), new Table({ id: int64([1]), name: utf8(['x']), extra: int64([1]) })])).rejects.toMatchObject({
      code: 'CONCAT_SCHEMA_MISMATCH', message: expect.stringContaining("Item 1 of task 'm' has an undeclared column 'extra'"),
    })
    await expect(concat([...items([1]), { not: 'a table' }])).rejects.toMatchObject({ code: 'CONCAT_SCHEMA_MISMATCH', message: expect.stringContaining("Item 1 of task 'm' was not stored as a table (it is an object)") })
  })

  test('items are read in order, only a few ahead: never every item at once', async () => {
    const tables = items(new Array(40).fill(1))
    let reading = 0
    let most = 0
    const read = async (ref: StoredRef) => {
      most = Math.max(most, ++reading)
      await new Promise((r) => setImmediate(r))
      reading--
      return tables[indexOf(ref)]
    }
    const result = await concat(tables, { read })
    expect(result.numRows).toBe(40)
    expect(most).toBeGreaterThan(1)
    expect(most).toBeLessThanOrEqual(5)
  })

  test('a read that fails fails the concatenation with its own error', async () => {
    const tables = items([1, 1, 1])
    const read = async (ref: StoredRef) => {
      if (indexOf(ref) === 2) throw Object.assign(new Error('gone'), { code: 'OUTPUT_NOT_FOUND' })
      return tables[indexOf(ref)]
    }
    await expect(concat(tables, { read })).rejects.toMatchObject({ code: 'OUTPUT_NOT_FOUND' })
  })
})

describe('concat: from the spec to the handler', () => {
  const yaml = (head = '') => `apiVersion: weir/v1
kind: Pipeline
name: concat_wiring
${head}params:
  days: { type: array, items: { type: string }, default: [a, b, c] }
tasks:
  day:
    handler: ./h.ts#day
    foreach: \${{ params.days }}
    inputs: { at: "\${{ item_index }}" }
    retries: { max: 2, delay: 1ms }
    output: { type: table, columns: { id: int64, name: string } }
  report:
    handler: ./h.ts#report
    inputs: { rows: "\${{ tasks.day.output }}", tables: "\${{ tasks.day.output }}" }
    concat: [rows]
    retries: { max: 2, delay: 1ms }
`

  test('the named input becomes a concatenated binding; the same upstream without concat stays a list', async () => {
    const pipeline = await pipelineFromYaml(yaml())
    const inputs = pipeline.tasks.get('report')!.inputs
    expect(inputs.rows).toEqual({ kind: 'ref', ref: { kind: 'output', taskId: 'day', path: [] }, concat: true })
    expect(inputs.tables).toEqual({ kind: 'ref', ref: { kind: 'output', taskId: 'day', path: [] } })
    // Both forms of the same upstream are asked for, each once.
    const asked: string[] = []
    const resolved = await resolveInputs(inputs, {
      readOutput: async (taskId, concat) => {
        asked.push(`${taskId}${concat ? ' concat' : ''}`)
        return concat ? 'one table' : ['t0', 't1']
      },
      values: {}, params: {}, run: { id: 'r', pipeline: 'p', trigger: 'manual', scheduled_at: null },
    })
    expect(resolved).toEqual({ rows: 'one table', tables: ['t0', 't1'] })
    expect(asked.sort()).toEqual(['day', 'day concat'])
  })

  test("the cache key tells the concatenated input from the list, so one form's entry never serves the other", async () => {
    const keyOf = async (text: string) => {
      const pipeline = await pipelineFromYaml(text)
      const key = await computeCacheKey({
        pipeline, task: pipeline.tasks.get('report')!, params: {}, upstreamValues: {}, run: { id: 'r', pipeline: 'p', trigger: 'manual', scheduled_at: null },
        codeHash: 'c', upstreamOutput: async () => ({ hash: 'h', form: 'items' }),
      })
      return key!.components.inputs
    }
    const withConcat = await keyOf(yaml())
    const without = await keyOf(yaml().replace('    concat: [rows]\n', ''))
    expect(withConcat).not.toBe(without)
  })

  test('in a run, items that stored different column types fail the fan-in task with CONCAT_SCHEMA_MISMATCH: a user error, not retried', async () => {
    const dir = await tempDir('weir-concat-run-')
    await writeFile(join(dir, 'package.json'), '{"type":"module"}')
    // The handlers import weir's own apache-arrow, as a project's handlers do.
    await symlink(resolve('node_modules'), join(dir, 'node_modules'))
    // Both tables match the declared `name: string`, but item 2 stores it dictionary-encoded.
    await writeFile(join(dir, 'h.ts'), [
      "import { Dictionary, Int32, Int64, Table, Utf8, vectorFromArray } from 'apache-arrow'",
      'export const day = (inputs) => new Table({ id: vectorFromArray([BigInt(inputs.at)], new Int64()), name: vectorFromArray([String(inputs.at)], inputs.at === 2 ? new Dictionary(new Utf8(), new Int32()) : new Utf8()) })',
      'export const report = (inputs) => inputs.rows.numRows',
    ].join('\n'))
    const text = yaml(`io:\n  default: { type: fs, root: ${JSON.stringify(join(dir, 'data'))} }\n`)
    const pipeline = { ...(await pipelineFromYaml(text, dir)), sourcePath: join(dir, 'pipeline.yaml') }
    const result = await runPipeline(pipeline, { ioPlugins: builtinIo, stateDir: join(dir, 'state'), runId: 'mismatch' })
    expect(result.tasks.day!.status).toBe('succeeded')
    expect(result.tasks.report).toMatchObject({ status: 'failed', attempts: 1, error: { code: 'CONCAT_SCHEMA_MISMATCH', origin: 'user', recoverable: false } })
    expect(result.tasks.report!.error!.message).toContain("Item 2 of task 'day' has column 'name' as Dictionary<Int32, Utf8>, item 0 as Utf8")
  })

  test('in a run, the handler gets one table of every item in item order', async () => {
    const dir = await tempDir('weir-concat-run-')
    await writeFile(join(dir, 'package.json'), '{"type":"module"}')
    await writeFile(join(dir, 'h.ts'), [
      'export const day = (inputs) => Array.from({ length: inputs.at + 1 }, (_, k) => ({ id: inputs.at * 10 + k, name: `${inputs.at}.${k}` }))',
      'export const report = (inputs) => ({ names: inputs.rows.toArray().map((r) => r.name), lists: inputs.tables.map((t) => t.numRows) })',
    ].join('\n'))
    const text = yaml(`io:\n  default: { type: fs, root: ${JSON.stringify(join(dir, 'data'))} }\n`)
    const pipeline = { ...(await pipelineFromYaml(text, dir)), sourcePath: join(dir, 'pipeline.yaml') }
    const result = await runPipeline(pipeline, { ioPlugins: builtinIo, stateDir: join(dir, 'state'), runId: 'ok' })
    expect(result.status).toBe('succeeded')
    const stored = JSON.parse(await readFile(fileURLToPath(result.tasks.report!.output!), 'utf8')) as unknown
    expect(stored).toEqual({ names: ['0.0', '1.0', '1.1', '2.0', '2.1', '2.2'], lists: [1, 2, 3] })
  })
})
