// `npm run bench parquet`: a 1,000,000-row table (int64, float64, utf8) that lives in the Node
// process as Arrow → a zstd Parquet file on disk → back into an Arrow table, through weir's fs
// IoManager; side by side with DuckDB's best path from the same JS data (appender fed with data
// chunks, COPY TO parquet, read back into JS arrays). Each side runs in its own process (clean peak
// RSS), alternating, REPEATS times; the median is reported. Module loading and DuckDB's instance
// start are warmed up outside the timed part on both sides.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROWS = 1_000_000
const REPEATS = 3

interface SideResult {
  readonly side: 'weir' | 'duckdb'
  readonly writeMs: number
  readonly readMs: number
  readonly fileBytes: number
  readonly dataBytes: number
  readonly baselineRssMb: number
  readonly peakRssMb: number
  readonly checksum: string
}

/** The same JS data for both sides: ids, amounts and names (as JS strings), deterministic. */
function generateColumns() {
  const ids = new BigInt64Array(ROWS)
  const amounts = new Float64Array(ROWS)
  const names: string[] = new Array<string>(ROWS)
  let seed = 42
  for (let i = 0; i < ROWS; i++) {
    seed = (seed * 1103515245 + 12345) >>> 0
    ids[i] = BigInt(i) * 7n + 1_000_000_000_000n
    amounts[i] = (seed % 1_000_000) / 100
    names[i] = `customer_${seed % 250_000}_${['DE', 'FR', 'US', 'JP', 'BR'][i % 5]}`
  }
  return { ids, amounts, names }
}

/** Builds the Arrow table with the utf8 buffers written directly (vectorFromArray is ~15× slower). */
async function buildArrowTable(cols: ReturnType<typeof generateColumns>) {
  const { Table, Utf8, makeData, makeVector } = await import('apache-arrow')
  const encoder = new TextEncoder()
  const offsets = new Int32Array(ROWS + 1)
  let bytes = new Uint8Array(ROWS * 24)
  let end = 0
  for (let i = 0; i < ROWS; i++) {
    if (bytes.length - end < 64) {
      const grown = new Uint8Array(bytes.length * 2)
      grown.set(bytes.subarray(0, end))
      bytes = grown
    }
    end += encoder.encodeInto(cols.names[i]!, bytes.subarray(end)).written
    offsets[i + 1] = end
  }
  const names = makeVector(makeData({ type: new Utf8(), length: ROWS, nullCount: 0, valueOffsets: offsets, data: bytes.subarray(0, end) }))
  const table = new Table({ id: makeVector(cols.ids), amount: makeVector(cols.amounts), name: names })
  return { table, dataBytes: cols.ids.byteLength + cols.amounts.byteLength + offsets.byteLength + end }
}

const rssMb = () => process.memoryUsage().rss / 2 ** 20
const peakRssMb = () => process.resourceUsage().maxRSS / 1024

async function runWeir(dir: string): Promise<SideResult> {
  const cols = generateColumns()
  const { table, dataBytes } = await buildArrowTable(cols)
  const { fsIo } = await import('../src/plugins/io/fs/index.ts')
  const log = { debug() {}, info() {}, warn() {}, error() {} }
  const io = fsIo.create({ compression: 'zstd' }, { cwd: dir, stateDir: '.weir', log })
  const ctx = { signal: new AbortController().signal, log, output: { kind: 'table', columns: { id: 'int64', amount: 'float64', name: 'string' } } as const }
  // Warm-up: loads apache-arrow and parquet-wasm (a one-time cost, as DuckDB's instance start is).
  await io.read(await io.write({ pipeline: 'bench', runId: 'warmup', taskId: 't' }, table.slice(0, 10), ctx), ctx)
  const baselineRssMb = rssMb()
  const t0 = performance.now()
  const ref = await io.write({ pipeline: 'bench', runId: 'r1', taskId: 'table' }, table, ctx)
  const t1 = performance.now()
  const back = (await io.read(ref, ctx)) as import('apache-arrow').Table
  const t2 = performance.now()
  const checksum = `${back.numRows}:${back.getChild('id')!.get(ROWS - 1)}:${back.getChild('amount')!.get(ROWS - 1)}:${back.getChild('name')!.get(ROWS - 1)}`
  return { side: 'weir', writeMs: t1 - t0, readMs: t2 - t1, fileBytes: ref.sizeBytes ?? 0, dataBytes, baselineRssMb, peakRssMb: peakRssMb(), checksum }
}

async function runDuckdb(dir: string): Promise<SideResult> {
  const cols = generateColumns()
  const { dataBytes } = await buildArrowTable(cols) // the same size measure as weir's; the table itself is not used
  const { DuckDBInstance, DuckDBDataChunk, BIGINT, DOUBLE, VARCHAR } = await import('@duckdb/node-api')
  const instance = await DuckDBInstance.create(':memory:')
  const conn = await instance.connect()
  await conn.run('SELECT 1') // warm-up
  const file = join(dir, 'duckdb.parquet')
  const baselineRssMb = rssMb()
  const t0 = performance.now()
  await conn.run('CREATE TABLE t (id BIGINT, amount DOUBLE, name VARCHAR)')
  const appender = await conn.createAppender('t')
  const CHUNK = 2048
  for (let start = 0; start < ROWS; start += CHUNK) {
    const n = Math.min(CHUNK, ROWS - start)
    const chunk = DuckDBDataChunk.create([BIGINT, DOUBLE, VARCHAR], n)
    chunk.setColumnValues(0, Array.from(cols.ids.subarray(start, start + n)))
    chunk.setColumnValues(1, Array.from(cols.amounts.subarray(start, start + n)))
    chunk.setColumnValues(2, cols.names.slice(start, start + n))
    appender.appendDataChunk(chunk)
  }
  appender.flushSync()
  appender.closeSync()
  await conn.run(`COPY t TO '${file}' (FORMAT parquet, COMPRESSION zstd)`)
  const t1 = performance.now()
  const reader = await conn.runAndReadAll(`SELECT * FROM read_parquet('${file}')`)
  const columns = reader.getColumnsJS()
  const t2 = performance.now()
  const checksum = `${columns[0]!.length}:${columns[0]![ROWS - 1]}:${columns[1]![ROWS - 1]}:${columns[2]![ROWS - 1]}`
  conn.closeSync()
  instance.closeSync()
  return { side: 'duckdb', writeMs: t1 - t0, readMs: t2 - t1, fileBytes: statSync(file).size, dataBytes, baselineRssMb, peakRssMb: peakRssMb(), checksum }
}

function runSide(side: 'weir' | 'duckdb'): SideResult {
  const child = spawnSync(process.execPath, ['--import', 'jiti/register', fileURLToPath(import.meta.url), `--side=${side}`], {
    encoding: 'utf8',
    maxBuffer: 16 * 2 ** 20,
  })
  if (child.status !== 0) throw new Error(`${side} side failed (exit ${child.status}):\n${child.stderr}`)
  return JSON.parse(child.stdout.trim().split('\n').pop()!) as SideResult
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

function report(results: SideResult[]): void {
  const mb = (b: number) => b / 2 ** 20
  const rows: Record<string, Record<string, string>> = {}
  const summary: Record<string, { totalMs: number; fileBytes: number }> = {}
  for (const side of ['weir', 'duckdb'] as const) {
    const runs = results.filter((r) => r.side === side)
    const writeMs = median(runs.map((r) => r.writeMs))
    const readMs = median(runs.map((r) => r.readMs))
    const totalMs = median(runs.map((r) => r.writeMs + r.readMs))
    const { fileBytes, dataBytes } = runs[0]!
    summary[side] = { totalMs, fileBytes }
    rows[side] = {
      'write ms': writeMs.toFixed(0),
      'read ms': readMs.toFixed(0),
      'total ms': totalMs.toFixed(0),
      'write rows/s': (ROWS / (writeMs / 1000)).toExponential(2),
      'read rows/s': (ROWS / (readMs / 1000)).toExponential(2),
      'end-to-end MB/s': (mb(dataBytes) / (totalMs / 1000)).toFixed(0),
      'file MiB': mb(fileBytes).toFixed(2),
      'baseline RSS MiB': median(runs.map((r) => r.baselineRssMb)).toFixed(0),
      'peak RSS MiB': median(runs.map((r) => r.peakRssMb)).toFixed(0),
    }
  }
  console.log(`${ROWS.toLocaleString('en')} rows (int64, float64, utf8), ${(results[0]!.dataBytes / 2 ** 20).toFixed(1)} MiB as Arrow; zstd; median of ${REPEATS} runs per side, each in its own process`)
  console.table(rows)
  const speed = summary.duckdb!.totalMs / summary.weir!.totalMs
  const size = summary.weir!.fileBytes / summary.duckdb!.fileBytes
  console.log(`weir end to end: ${speed.toFixed(2)}× DuckDB's speed (goal ≥ 1.00) — ${speed >= 1 ? 'met' : 'NOT met'}`)
  console.log(`weir file size: ${size.toFixed(2)}× DuckDB's (goal ≤ 1.50) — ${size <= 1.5 ? 'met' : 'NOT met'}`)
  const checks = new Set(results.map((r) => r.checksum))
  if (checks.size !== 1) throw new Error(`sides disagree on the data read back: ${[...checks].join(' vs ')}`)
}

const sideArg = process.argv.find((a) => a.startsWith('--side='))?.slice('--side='.length)
if (sideArg === 'weir' || sideArg === 'duckdb') {
  const dir = mkdtempSync(join(tmpdir(), `weir-bench-${sideArg}-`))
  try {
    const result = sideArg === 'weir' ? await runWeir(dir) : await runDuckdb(dir)
    console.log(JSON.stringify(result))
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
} else {
  const results: SideResult[] = []
  for (let i = 0; i < REPEATS; i++) {
    const order = i % 2 === 0 ? (['weir', 'duckdb'] as const) : (['duckdb', 'weir'] as const)
    for (const side of order) results.push(runSide(side))
  }
  report(results)
}
