// `npm run bench concat`: a fan-in of ITEMS stored table items (ROWS_PER_ITEM rows each: int64,
// float64, utf8; zstd Parquet through the fs IoManager) received as one table (`concat:`,
// docs/fan-out.md#one-table-concat) against the list of tables a handler would then join itself
// (the default fan-in: 32 items read at once, then one Table over every item's batches). Each side
// runs in its own process (clean peak RSS), alternating, REPEATS times; medians are printed.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const ITEMS = 24
const ROWS_PER_ITEM = 100_000
const REPEATS = 3
const COLUMNS = { id: 'int64', amount: 'float64', name: 'string' } as const

type Side = 'concat' | 'list'
interface SideResult {
  readonly side: Side
  readonly ms: number
  readonly rows: number
  readonly arrowMb: number
  readonly baselineRssMb: number
  readonly peakRssMb: number
}

const log = { debug() {}, info() {}, warn() {}, error() {} }
const rssMb = () => process.memoryUsage().rss / 2 ** 20
const peakRssMb = () => process.resourceUsage().maxRSS / 1024

async function ioIn(dir: string) {
  const { fsIo } = await import('../src/plugins/io/fs/index.ts')
  const io = fsIo.create({ compression: 'zstd' }, { cwd: dir, stateDir: '.weir', log })
  const ctx = { signal: new AbortController().signal, log, output: { kind: 'table', columns: COLUMNS } as const }
  return { io, ctx }
}

const refOf = (dir: string, i: number) => ({ uri: `file://${join(dir, '.weir', 'data', 'bench', 'r1', 'm', 'items', String(i), 'output.parquet')}`, format: 'parquet' as const, io: 'fs' })

async function writeItems(dir: string): Promise<void> {
  const { Int64, Float64, Utf8, Table, vectorFromArray } = await import('apache-arrow')
  const { io, ctx } = await ioIn(dir)
  for (let i = 0; i < ITEMS; i++) {
    const ids = Array.from({ length: ROWS_PER_ITEM }, (_, r) => BigInt(i * ROWS_PER_ITEM + r))
    const table = new Table({
      id: vectorFromArray(ids, new Int64()),
      amount: vectorFromArray(Array.from({ length: ROWS_PER_ITEM }, (_, r) => (r % 1000) / 4), new Float64()),
      name: vectorFromArray(Array.from({ length: ROWS_PER_ITEM }, (_, r) => `customer_${(r * 7919) % 50_000}_${i}`), new Utf8()),
    })
    await io.write({ pipeline: 'bench', runId: 'r1', taskId: 'm', item: i }, table, ctx)
  }
}

async function runSide(side: Side, dir: string): Promise<SideResult> {
  const { io, ctx } = await ioIn(dir)
  const refs = Array.from({ length: ITEMS }, (_, i) => refOf(dir, i))
  const { Table } = await import('apache-arrow')
  const { concatItemTables } = await import('../src/runtime/map/concat-tables.ts')
  const { collectItemOutputs } = await import('../src/runtime/map/fan-in.ts')
  await io.read(refs[0]!, ctx) // warm-up: loads parquet-wasm
  const baselineRssMb = rssMb()
  const t0 = performance.now()
  let table: import('apache-arrow').Table
  if (side === 'concat') table = await concatItemTables({ taskId: 'm', columns: COLUMNS, refs, read: (ref) => io.read(ref, ctx) })
  else {
    const tables = (await collectItemOutputs(ITEMS, (k) => io.read(refs[k]!, ctx), () => true)) as import('apache-arrow').Table[]
    table = new Table(tables.flatMap((t) => t.batches))
  }
  const ms = performance.now() - t0
  const arrowMb = table.batches.reduce((n, b) => n + b.data.children.reduce((m, c) => m + c.byteLength, 0), 0) / 2 ** 20
  return { side, ms, rows: table.numRows, arrowMb, baselineRssMb, peakRssMb: peakRssMb() }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

async function main(): Promise<void> {
  const [role, side, dir] = process.argv.slice(2)
  if (role === 'side') {
    process.stdout.write(JSON.stringify(await runSide(side as Side, dir!)))
    return
  }
  const work = mkdtempSync(join(tmpdir(), 'weir-bench-concat-'))
  try {
    await writeItems(work)
    const results: SideResult[] = []
    for (let round = 0; round < REPEATS; round++)
      for (const s of round % 2 === 0 ? (['concat', 'list'] as const) : (['list', 'concat'] as const)) {
        const r = spawnSync(process.execPath, ['--import', 'jiti/register', 'bench/concat.bench.ts', 'side', s, work], { encoding: 'utf8' })
        if (r.status !== 0) throw new Error(r.stderr)
        results.push(JSON.parse(r.stdout) as SideResult)
      }
    console.log(`${ITEMS} items × ${ROWS_PER_ITEM.toLocaleString('en-US')} rows (int64, float64, utf8), zstd Parquet via fs; median of ${REPEATS}, each in its own process`)
    for (const side of ['concat', 'list'] as const) {
      const mine = results.filter((r) => r.side === side)
      const peak = median(mine.map((r) => r.peakRssMb))
      const base = median(mine.map((r) => r.baselineRssMb))
      console.log(`${side.padEnd(7)} ${median(mine.map((r) => r.ms)).toFixed(0)} ms, ${mine[0]!.rows.toLocaleString('en-US')} rows, Arrow ${mine[0]!.arrowMb.toFixed(0)} MiB, RSS ${base.toFixed(0)} → peak ${peak.toFixed(0)} MiB (+${(peak - base).toFixed(0)})`)
    }
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
}

await main()
