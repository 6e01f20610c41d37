// Handlers for pipelines/regional_sales.yaml: a fan-out over regions and a fan-in.
import { tableFromArrays } from 'apache-arrow'
import type { Table } from 'apache-arrow'

interface Ctx {
  runId: string
  values: { set(name: string, value: unknown): void }
  log: { info(message: string, fields?: Record<string, unknown>): void }
}

export interface RegionTotal {
  region: string
  total: number
  orders: number
}

/** Returns an Arrow table; the IoManager stores it as Parquet. */
export async function loadOrders(_inputs: unknown, ctx: Ctx): Promise<Table> {
  const regions = ['EU', 'US', 'APAC', 'EU', 'US', 'EU', 'APAC', 'US']
  const amounts = [120.5, 80, 42.25, 19.99, 250, 64, 310.1, 12]
  ctx.log.info('loaded orders', { rows: regions.length })
  return tableFromArrays({
    order_id: Int32Array.from(regions, (_, i) => i + 1),
    region: regions,
    amount: Float64Array.from(amounts),
  })
}

/** Receives the table read back from Parquet, and totals one region. */
export async function totalForRegion(inputs: { orders: Table; region: string; min_amount: number }): Promise<RegionTotal> {
  const regions = inputs.orders.getChild('region')!.toArray() as string[]
  const amounts = inputs.orders.getChild('amount')!.toArray() as Float64Array
  let total = 0
  let orders = 0
  for (let i = 0; i < regions.length; i++) {
    if (regions[i] !== inputs.region || amounts[i]! < inputs.min_amount) continue
    total += amounts[i]!
    orders++
  }
  return { region: inputs.region, total: Math.round(total * 100) / 100, orders }
}

export async function combine(inputs: { totals: RegionTotal[]; label: string }, ctx: Ctx) {
  const best = [...inputs.totals].sort((a, b) => b.total - a.total)[0]!
  ctx.values.set('best_region', best.region)
  const grand_total = Math.round(inputs.totals.reduce((sum, t) => sum + t.total, 0) * 100) / 100
  return { label: inputs.label, grand_total, regions: inputs.totals }
}

export async function announce(inputs: { best: string; report: { grand_total: number } }, ctx: Ctx): Promise<string> {
  const line = `best region: ${inputs.best}; grand total ${inputs.report.grand_total}`
  ctx.log.info(line)
  return line
}
