// Handlers for pipelines/nightly_export.yaml.
import type { HandlerContext } from 'weir'

export async function fetchRates(_inputs: unknown, ctx: HandlerContext): Promise<Record<string, number>> {
  // A transient failure on the first attempt: the task's retry policy takes care of it.
  if (ctx.attempt === 1) throw new Error('rates service answered 503 (simulated); will be retried')
  ctx.log.info(`fetched rates on attempt ${ctx.attempt}`)
  return { EUR: 1, USD: 1.08, GBP: 0.86 }
}

export async function convertPrices(inputs: { rates: Record<string, number>; currency: string }, ctx: HandlerContext) {
  const rate = inputs.rates[inputs.currency]
  if (rate === undefined) {
    // No retry can fix a missing currency: fail at once.
    const error = Object.assign(new Error(`no rate for ${inputs.currency}`), { code: 'NON_RETRYABLE' })
    throw error
  }
  const prices = [
    { sku: 'A-1', price: 10 },
    { sku: 'B-2', price: 24.5 },
    { sku: 'C-3', price: 99 },
  ].map((p) => ({ sku: p.sku, price: Math.round(p.price * rate * 100) / 100 }))
  ctx.values.set('item_count', prices.length)
  return prices
}

export async function exportPrices(inputs: { prices: { sku: string; price: number }[]; count: number; fail: boolean }, ctx: HandlerContext) {
  if (inputs.fail) throw new Error('export target refused the upload (fail_export=true)')
  // Long work should pass ctx.signal on, so a timeout or Ctrl-C stops it.
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(resolve, 50)
    ctx.signal.addEventListener('abort', () => {
      clearTimeout(timer)
      reject(new Error('export aborted'))
    })
  })
  ctx.log.info(`exported ${inputs.count} prices`)
  return { exported: inputs.count }
}

export async function cleanup(_inputs: unknown, ctx: HandlerContext): Promise<void> {
  ctx.log.info('removed temporary files')
}
