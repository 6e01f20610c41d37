/**
 * `concat:` end to end (issue 11, docs/fan-out.md#one-table-concat): a mapped task's table items
 * received as ONE table, the same in `weir run` in process, with `--executor subprocess`, and
 * through the engines' protocol (`weir execute --list-items`, `--item-index N`, then the fan-in
 * task, which reads the items by URI). The downstream task stores the table it received; DuckDB
 * reads the items' own Parquet files in item order and must find exactly the same rows in it.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { spawnSync } from 'node:child_process'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api'

const BIN = resolve('bin/weir.js')
let project: string
let db: DuckDBInstance
let conn: DuckDBConnection

const HANDLERS = `
/** Day k has k*3 rows (day 0 none): ids k*1000+r, amounts (k+1)*r/4. */
export const cleanDay = (inputs) =>
  Array.from({ length: inputs.at * 3 }, (_, r) => ({ id: inputs.at * 1000 + r, day: inputs.day, amount: ((inputs.at + 1) * r) / 4 }))
export function report(inputs) {
  if (Array.isArray(inputs.rows) || typeof inputs.rows?.numRows !== 'number') throw new Error('rows is not one table')
  if (!Array.isArray(inputs.tables) || inputs.tables.length !== inputs.days.length) throw new Error('tables is not the list of item tables')
  return inputs.rows
}
export function shape(inputs) {
  return { rows: inputs.rows.numRows, columns: inputs.rows.schema.fields.map((f) => f.name + ':' + String(f.type)) }
}
`

const SPEC = `apiVersion: weir/v1
kind: Pipeline
name: concat_days
params:
  days: { type: array, items: { type: string }, default: [d0, d1, d2, d3, d4, d5] }
  none: { type: array, items: { type: string }, default: [] }
tasks:
  clean_day:
    handler: ./handlers/h.ts#cleanDay
    foreach: \${{ params.days }}
    inputs: { day: "\${{ item }}", at: "\${{ item_index }}" }
    output: { type: table, columns: { id: int64, day: string, amount: float64 } }
  report:
    handler: ./handlers/h.ts#report
    inputs:
      rows: \${{ tasks.clean_day.output }}
      tables: \${{ tasks.clean_day.output }}
      days: \${{ params.days }}
    concat: [rows]
    output: { type: table, columns: { id: int64, day: string, amount: float64 } }
  nothing:
    handler: ./handlers/h.ts#cleanDay
    foreach: \${{ params.none }}
    inputs: { day: "\${{ item }}", at: "\${{ item_index }}" }
    output: { type: table, columns: { id: int64, day: string, amount: float64 } }
  empty_shape:
    handler: ./handlers/h.ts#shape
    inputs: { rows: "\${{ tasks.nothing.output }}" }
    concat: [rows]
`

const DAYS = 6
const EXPECTED_ROWS = Array.from({ length: DAYS }, (_, k) => k * 3).reduce((a, b) => a + b, 0)
const EMPTY_SHAPE = { rows: 0, columns: ['id:Int64', 'day:Utf8', 'amount:Float64'] }

function weir(args: string[], timeout = 600_000) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: project, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', CI: '1' }, timeout })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

const sql = (path: string) => `'${path.replaceAll("'", "''")}'`

/** Rows of a Parquet file as DuckDB reads them, in file order. */
async function duckRows(files: readonly string[]): Promise<unknown[]> {
  if (files.length === 0) return []
  const parts = files.map((f, k) => `SELECT ${k} AS item, file_row_number AS r, id, day, amount FROM read_parquet(${sql(f)}, file_row_number = true)`)
  const reader = await conn.runAndReadAll(`SELECT id, day, amount FROM (${parts.join(' UNION ALL ')}) ORDER BY item, r`)
  return reader.getRowObjectsJS()
}

/** DuckDB's concatenation of the items' files, in item order, equals the table the downstream task received. */
async function expectSameRows(itemFiles: readonly string[], reportFile: string): Promise<void> {
  expect(itemFiles).toHaveLength(DAYS)
  const items = await duckRows(itemFiles)
  const report = await duckRows([reportFile])
  expect(items).toHaveLength(EXPECTED_ROWS)
  expect(report).toEqual(items)
  const [sums] = (await conn.runAndReadAll(`SELECT count(*) AS n, sum(id) AS ids, sum(amount) AS amounts FROM read_parquet(${sql(reportFile)})`)).getRowObjectsJS()
  const [want] = (await conn.runAndReadAll(`SELECT count(*) AS n, sum(id) AS ids, sum(amount) AS amounts FROM read_parquet([${itemFiles.map(sql).join(', ')}])`)).getRowObjectsJS()
  expect(sums).toEqual(want)
}

interface ShownRun {
  tasks: Record<string, { status: string; output?: { uri: string }; items?: { output?: { uri: string } }[] }>
}

/** Runs the spec with `weir run` and checks the concatenated table against the items, with DuckDB. */
async function checkRun(stateDir: string, extra: string[]): Promise<void> {
  const r = weir(['run', 'concat.yaml', '--state-dir', stateDir, '--json', ...extra])
  expect(r.code, r.stderr).toBe(0)
  const { runId } = JSON.parse(r.stdout) as { runId: string }
  const shown = JSON.parse(weir(['runs', 'show', runId, '--json', '--state-dir', stateDir]).stdout) as ShownRun
  const itemFiles = shown.tasks.clean_day!.items!.map((item) => fileURLToPath(item.output!.uri))
  await expectSameRows(itemFiles, fileURLToPath(shown.tasks.report!.output!.uri))
  expect(JSON.parse(await readFile(fileURLToPath(shown.tasks.empty_shape!.output!.uri), 'utf8'))).toEqual(EMPTY_SHAPE)
}

beforeAll(async () => {
  project = await mkdtemp(join(tmpdir(), 'weir-e2e-concat-'))
  await writeFile(join(project, 'package.json'), '{"name":"e2e-concat","type":"module"}')
  await mkdir(join(project, 'handlers'))
  await writeFile(join(project, 'handlers', 'h.ts'), HANDLERS)
  await writeFile(join(project, 'concat.yaml'), SPEC)
  db = await DuckDBInstance.create(':memory:')
  conn = await db.connect()
})

afterAll(async () => {
  conn?.closeSync()
  db?.closeSync()
  if (project) await rm(project, { recursive: true, force: true })
})

describe('a fan-in received as one table (concat)', () => {
  test('weir run in process', async () => {
    await checkRun('state-inprocess', [])
  }, 120_000)

  test('weir run --executor subprocess (the fan-in task reads the items from its inputs.json)', async () => {
    await checkRun('state-sub', ['--executor', 'subprocess', '--concurrency', '4'])
  }, 600_000)

  test("weir execute, the engines' protocol: the fan-in task reads each item's outputs.json and output by URI", async () => {
    const execute = (...args: string[]) => {
      const r = weir(['execute', '--spec', 'concat.yaml', '--run-id', 'e1', ...args])
      expect(r.code, r.stderr).toBe(0)
    }
    const dir = (task: string) => join(project, '.weir', 'data', 'concat_days', 'e1', task)
    execute('--task', 'clean_day', '--list-items')
    for (let i = 0; i < DAYS; i++) execute('--task', 'clean_day', '--item-index', String(i))
    execute('--task', 'report')
    execute('--task', 'nothing', '--list-items')
    execute('--task', 'empty_shape')
    const itemFiles = await Promise.all(Array.from({ length: DAYS }, async (_, i) => {
      const doc = JSON.parse(await readFile(join(dir('clean_day'), 'items', String(i), 'outputs.json'), 'utf8')) as { output: { uri: string } }
      return fileURLToPath(doc.output.uri)
    }))
    await expectSameRows(itemFiles, join(dir('report'), 'output.parquet'))
    expect(JSON.parse(await readFile(join(dir('empty_shape'), 'output.json'), 'utf8'))).toEqual(EMPTY_SHAPE)
  }, 600_000)
})
