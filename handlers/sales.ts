// Handlers for pipelines/daily_sales.yaml, typed with the generated handler types
// (`weir codegen pipelines --out handlers/generated`; see docs/handlers.md).
import type { Handlers } from './generated/daily_sales.ts'

export interface Order {
  order_id: number
  amount: number
  country: string
}

export const extract: Handlers['extract'] = async (): Promise<Order[]> => [
  { order_id: 1, amount: 12.5, country: 'DE' },
  { order_id: 2, amount: 7.25, country: 'FR' },
  { order_id: 3, amount: 30, country: 'DE' },
]

export const summarize: Handlers['summarize'] = async (inputs, ctx) => {
  // The spec declares the orders as plain objects, so the handler says what it expects of them.
  const orders = inputs.orders as unknown as Order[]
  const kept = orders.filter((o) => o.amount >= inputs.threshold)
  ctx.values.set('row_count', kept.length)
  return { total: kept.reduce((sum, o) => sum + o.amount, 0), count: kept.length }
}

export const publish: Handlers['publish'] = async (inputs) =>
  `published ${inputs.summary.count} orders (${inputs.rows ?? 0} rows), total ${inputs.summary.total}`
