// Handlers for pipelines/daily_sales.yaml.
export interface Order {
  order_id: number
  amount: number
  country: string
}

export async function extract(): Promise<Order[]> {
  return [
    { order_id: 1, amount: 12.5, country: 'DE' },
    { order_id: 2, amount: 7.25, country: 'FR' },
    { order_id: 3, amount: 30, country: 'DE' },
  ]
}

export async function summarize(
  inputs: { orders: Order[]; threshold: number },
  ctx: { values: { set(name: string, value: unknown): void } },
): Promise<{ total: number; count: number }> {
  const kept = inputs.orders.filter((o) => o.amount >= inputs.threshold)
  ctx.values.set('row_count', kept.length)
  return { total: kept.reduce((sum, o) => sum + o.amount, 0), count: kept.length }
}

export async function publish(inputs: { summary: { total: number; count: number }; rows: number }): Promise<string> {
  return `published ${inputs.summary.count} orders (${inputs.rows} rows), total ${inputs.summary.total}`
}
