// Handlers for pipelines/nightly_export.yaml, typed with the generated handler types
// (`weir codegen pipelines --out handlers/generated`; see docs/handlers.md).
import type { Handlers } from './generated/nightly_export.ts'

export const fetchRates: Handlers['fetch_rates'] = async (_inputs, ctx) => {
  // A transient failure on the first attempt: the task's retry policy takes care of it.
  if (ctx.attempt === 1) throw new Error('rates service answered 503 (simulated); will be retried')
  ctx.log.info(`fetched rates on attempt ${ctx.attempt}`)
  return { EUR: 1, USD: 1.08, GBP: 0.86 }
}

export const convertPrices: Handlers['convert'] = async (inputs, ctx) => {
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

export const exportPrices: Handlers['export'] = async (inputs, ctx) => {
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

export const cleanup: Handlers['cleanup'] = async (_inputs, ctx) => {
  ctx.log.info('removed temporary files')
}
