// Parquet written by weir is read by DuckDB (a reader nobody here wrote), and Parquet written by
// DuckDB is read by weir, with row counts and column sums checked on both sides.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api'
import { DateMillisecond, Table, TimestampSecond, makeData, makeVector, tableFromArrays, vectorFromArray } from 'apache-arrow'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { fsIo } from '../../src/plugins/io/fs/index.ts'
import type { OutputDecl } from '../../src/spec/model.ts'

const ROWS = 20_000
const dir = mkdtempSync(join(tmpdir(), 'weir-parquet-duckdb-'))
const log = { debug() {}, info() {}, warn() {}, error() {} }
const env = { cwd: dir, stateDir: '.weir', log }
const decl: OutputDecl = { kind: 'table', columns: { order_id: 'int64', amount: 'float64', country: 'string', paid: 'bool', qty: 'int32' } }
const ctx = { signal: new AbortController().signal, log, output: decl }
const sql = (path: string) => `'${path.replaceAll("'", "''")}'`

let db: DuckDBInstance
let conn: DuckDBConnection
beforeAll(async () => {
  db = await DuckDBInstance.create(':memory:')
  conn = await db.connect()
})
afterAll(() => {
  conn?.closeSync()
  db?.closeSync()
  rmSync(dir, { recursive: true, force: true })
})

// Expected aggregates, computed in JS from the same formulas both writers use.
const expected = {
  rows: ROWS,
  sumOrderId: BigInt((ROWS * (ROWS - 1)) / 2),
  sumAmount: Array.from({ length: ROWS }, (_, i) => i * 0.25).reduce((a, b) => a + b, 0),
  countries: 3,
  paid: Math.ceil(ROWS / 2),
  sumQty: Array.from({ length: ROWS }, (_, i) => i % 7).reduce((a, b) => a + b, 0),
}

describe('Parquet interoperability with DuckDB', () => {
  for (const compression of ['zstd', 'snappy', 'none'] as const) {
    test(`DuckDB reads a table weir stored (${compression})`, async () => {
      const io = fsIo.create({ compression }, env)
      const table = tableFromArrays({
        order_id: BigInt64Array.from({ length: ROWS }, (_, i) => BigInt(i)),
        amount: Float64Array.from({ length: ROWS }, (_, i) => i * 0.25),
        country: Array.from({ length: ROWS }, (_, i) => ['DE', 'FR', 'US'][i % 3]!),
        paid: Array.from({ length: ROWS }, (_, i) => i % 2 === 0),
        qty: Int32Array.from({ length: ROWS }, (_, i) => i % 7),
      })
      const ref = await io.write({ pipeline: 'interop', runId: `weir-${compression}`, taskId: 'extract' }, table, ctx)
      const path = fileURLToPath(ref.uri)
      const reader = await conn.runAndReadAll(
        `SELECT count(*) AS n, sum(order_id) AS s_id, sum(amount) AS s_amount, count(DISTINCT country) AS c,
                count(*) FILTER (WHERE paid) AS paid, sum(qty) AS s_qty FROM read_parquet(${sql(path)})`,
      )
      const [row] = reader.getRowObjectsJS()
      expect(row).toMatchObject({ n: BigInt(expected.rows), c: BigInt(expected.countries), paid: BigInt(expected.paid) })
      expect(BigInt(String(row!.s_id))).toBe(expected.sumOrderId)
      expect(Number(row!.s_qty)).toBe(expected.sumQty)
      expect(row!.s_amount).toBeCloseTo(expected.sumAmount, 6)
      const codecs = (await conn.runAndReadAll(`SELECT DISTINCT compression FROM parquet_metadata(${sql(path)})`)).getRowsJS().flat()
      expect(codecs).toEqual([{ zstd: 'ZSTD', snappy: 'SNAPPY', none: 'UNCOMPRESSED' }[compression]])
    })
  }

  test('DuckDB reads the fallback encodings weir uses for high-cardinality columns', async () => {
    const rows = 300_000 // more distinct values than a 1 MB dictionary page holds: the writer falls back
    const io = fsIo.create({}, env)
    const table = tableFromArrays({
      id: BigInt64Array.from({ length: rows }, (_, i) => BigInt(i) * 1_000_003n),
      x: Float64Array.from({ length: rows }, (_, i) => Math.sin(i) * 1000),
    })
    const decl: OutputDecl = { kind: 'table', columns: { id: 'int64', x: 'float64' } }
    const ref = await io.write({ pipeline: 'interop', runId: 'fallback', taskId: 't' }, table, { ...ctx, output: decl })
    const path = sql(fileURLToPath(ref.uri))
    const encodings = (await conn.runAndReadAll(`SELECT path_in_schema, encodings FROM parquet_metadata(${path})`)).getRowObjectsJS()
    expect(encodings.filter((e) => e.path_in_schema === 'id').map((e) => e.encodings).join()).toContain('DELTA_BINARY_PACKED')
    expect(encodings.filter((e) => e.path_in_schema === 'x').map((e) => e.encodings).join()).toContain('BYTE_STREAM_SPLIT')
    const [row] = (await conn.runAndReadAll(`SELECT count(*) AS n, sum(id) AS s, sum(x) AS sx FROM read_parquet(${path})`)).getRowObjectsJS()
    expect(row!.n).toBe(BigInt(rows))
    expect(BigInt(String(row!.s))).toBe((BigInt(rows) * BigInt(rows - 1) / 2n) * 1_000_003n)
    let sx = 0
    for (let i = 0; i < rows; i++) sx += Math.sin(i) * 1000
    expect(row!.sx).toBeCloseTo(sx, 3)
  })

  test('DuckDB reads the date and timestamp columns of rows a task returned as DATE and TIMESTAMP, nulls and empty tables included', async () => {
    const io = fsIo.create({}, env)
    const decl: OutputDecl = { kind: 'table', columns: { day: 'date', at: 'timestamp', note: 'string' } }
    const rows = [
      { day: '2028-02-29', at: '1969-12-31T23:59:59.999Z', note: 'ü 漢字' },
      { day: null, at: null, note: null },
      { day: new Date('1970-01-01T00:00:00Z'), at: Date.UTC(2027, 2, 28, 1, 30), note: '' },
    ]
    const ref = await io.write({ pipeline: 'interop', runId: 'dates', taskId: 't' }, rows, { ...ctx, output: decl })
    const path = sql(fileURLToPath(ref.uri))
    const types = (await conn.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet(${path})`)).getRowObjectsJS().map((r) => [r.column_name, r.column_type])
    expect(types).toEqual([['day', 'DATE'], ['at', 'TIMESTAMP'], ['note', 'VARCHAR']])
    const read = await conn.runAndReadAll(`SELECT day::VARCHAR AS day, "at"::VARCHAR AS "at", note FROM read_parquet(${path})`)
    expect(read.getRowObjectsJS()).toEqual([
      { day: '2028-02-29', at: '1969-12-31 23:59:59.999', note: 'ü 漢字' },
      { day: null, at: null, note: null },
      { day: '1970-01-01', at: '2027-03-28 01:30:00', note: '' },
    ])
    const empty = await io.write({ pipeline: 'interop', runId: 'dates-empty', taskId: 't' }, [], { ...ctx, output: decl })
    const emptyTypes = (await conn.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet(${sql(fileURLToPath(empty.uri))})`)).getRowObjectsJS()
    expect(emptyTypes.map((r) => r.column_type)).toEqual(['DATE', 'TIMESTAMP', 'VARCHAR'])
  })

  test('DuckDB reads a returned Arrow table\'s Date64 and second-unit timestamp columns as DATE and TIMESTAMP (arrow-rs wrote them as bare BIGINT)', async () => {
    const io = fsIo.create({}, env)
    const table = new Table({
      day: vectorFromArray([new Date('2024-02-29T00:00:00Z'), null, new Date('1999-12-31T00:00:00Z')], new DateMillisecond()),
      // Built from its stored seconds, not through Arrow's setter (which takes milliseconds and divides).
      at: makeVector(makeData({ type: new TimestampSecond('UTC'), length: 3, nullCount: 1, nullBitmap: Uint8Array.of(0b101), data: BigInt64Array.of(1_700_000_000n, 0n, 0n) })),
      undeclared: vectorFromArray([new Date('2000-01-01T00:00:00Z'), null, null], new DateMillisecond()),
    })
    const declared: OutputDecl = { kind: 'table', columns: { day: 'date', at: 'timestamp', undeclared: 'date' } }
    const ref = await io.write({ pipeline: 'interop', runId: 'arrow-dates', taskId: 't' }, table, { ...ctx, output: declared })
    const path = sql(fileURLToPath(ref.uri))
    const types = (await conn.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet(${path})`)).getRowObjectsJS().map((r) => [r.column_name, r.column_type])
    expect(types).toEqual([['day', 'DATE'], ['at', 'TIMESTAMP WITH TIME ZONE'], ['undeclared', 'DATE']])
    const read = await conn.runAndReadAll(`SET TimeZone = 'UTC'; SELECT day::VARCHAR AS day, "at"::VARCHAR AS "at" FROM read_parquet(${path})`)
    expect(read.getRowObjectsJS()).toEqual([
      { day: '2024-02-29', at: '2023-11-14 22:13:20+00' },
      { day: null, at: null },
      { day: '1999-12-31', at: '1970-01-01 00:00:00+00' },
    ])
    // weir reads the same instants back (as milliseconds now).
    const back = (await io.read(ref, { ...ctx, output: declared })) as Table
    expect(back.getChild('at')!.get(0)).toBe(1_700_000_000_000)
    expect(back.getChild('day')!.get(0)).toBe(Date.UTC(2024, 1, 29))
  })

  test('weir reads a table DuckDB wrote, with the declared column types', async () => {
    const path = join(dir, 'duckdb-written.parquet')
    await conn.run(
      `COPY (SELECT i::BIGINT AS order_id, (i * 0.25)::DOUBLE AS amount, ['DE','FR','US'][i % 3 + 1] AS country, i % 2 = 0 AS paid, (i % 7)::INTEGER AS qty
             FROM range(${ROWS}) t(i)) TO ${sql(path)} (FORMAT parquet, COMPRESSION zstd)`,
    )
    const io = fsIo.create({}, env)
    const table = (await io.read({ uri: pathToFileURL(path).href, format: 'parquet', io: 'fs' }, ctx)) as Table
    expect(table.numRows).toBe(ROWS)
    let sumId = 0n
    let sumAmount = 0
    for (const v of table.getChild('order_id')!) sumId += v as bigint
    for (const v of table.getChild('amount')!) sumAmount += v as number
    expect(sumId).toBe(expected.sumOrderId)
    expect(sumAmount).toBeCloseTo(expected.sumAmount, 6)
    expect(new Set(table.getChild('country')!.toArray()).size).toBe(3)
    // Round trip through weir again: the table DuckDB wrote passes the declared column check.
    const ref = await io.write({ pipeline: 'interop', runId: 'from-duckdb', taskId: 'copy' }, table, ctx)
    expect(ref.format).toBe('parquet')
  })
})
