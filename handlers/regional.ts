// Handlers for pipelines/regional_sales.yaml: a map over regions and its fan-in, typed with the
// generated handler types (`weir codegen pipelines --out handlers/generated`; see docs/handlers.md).
import { tableFromArrays } from 'apache-arrow'
import type { Handlers, RegionTotal } from './generated/regional_sales.ts'

/** Returns an Arrow table; the IoManager stores it as Parquet. */
export const loadOrders: Handlers['load_orders'] = async (_inputs, ctx) => {
  const regions = ['EU', 'US', 'APAC', 'EU', 'US', 'EU', 'APAC', 'US']
  const amounts = [120.5, 80, 42.25, 19.99, 250, 64, 310.1, 12]
  ctx.log.info('loaded orders', { rows: regions.length })
  return tableFromArrays({
    order_id: Int32Array.from(regions, (_, i) => i + 1),
    region: regions,
    amount: Float64Array.from(amounts),
  })
}

/** The regions the orders have, in order of first appearance: the list `total_region` is mapped over. */
export const listRegions: Handlers['list_regions'] = async (inputs) => [...new Set([...inputs.orders.getChild('region')!].map(String))]

/**
 * One item of the map `total_region`: receives the table read back from Parquet (shared by every
 * item) and its item, one region, and totals that region.
 */
export const totalForRegion: Handlers['total_region'] = async (inputs) => {
  const regions = [...inputs.orders.getChild('region')!]
  const amounts = inputs.orders.getChild('amount')!.toArray()
  let total = 0
  let orders = 0
  for (let i = 0; i < regions.length; i++) {
    if (regions[i] !== inputs.region || amounts[i]! < inputs.min_amount) continue
    total += amounts[i]!
    orders++
  }
  return { region: inputs.region, total: Math.round(total * 100) / 100, orders }
}

export const combine: Handlers['combine'] = async (inputs, ctx) => {
  const totals: RegionTotal[] = [...inputs.totals]
  const best = [...totals].sort((a, b) => b.total - a.total)[0]!
  ctx.values.set('best_region', best.region)
  const grand_total = Math.round(totals.reduce((sum, t) => sum + t.total, 0) * 100) / 100
  return { label: inputs.label, grand_total, regions: totals }
}

export const announce: Handlers['announce'] = async (inputs, ctx) => {
  const line = `best region: ${inputs.best}; grand total ${inputs.report.grand_total}`
  ctx.log.info(line)
  return line
}
