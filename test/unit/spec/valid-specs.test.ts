/** The valid fixtures and the repository's example pipelines validate clean and resolve. */
import { readdirSync } from 'node:fs'
import { resolve } from 'node:path'
import { describe, expect, test } from 'vitest'
import { validateSpecFile } from '../../../src/spec/validate.ts'
import { builtinCatalog } from '../../../src/plugins/catalog.ts'
import { FIXTURES, fixture, testCatalog } from './support.ts'

const EXAMPLES = resolve(FIXTURES, '../../../pipelines')
const examples = readdirSync(EXAMPLES).filter((f) => /\.(ya?ml|json)$/.test(f))

describe('valid fixtures', () => {
  test.each(readdirSync(resolve(FIXTURES, 'valid')))('%s', async (file) => {
    const { diagnostics, pipeline } = await validateSpecFile(fixture('valid', file), { plugins: testCatalog, projectRoot: FIXTURES })
    expect(diagnostics).toEqual([])
    expect(pipeline?.order.length).toBe(pipeline?.tasks.size)
  })

  test('full.yaml resolves to the model: defaults, durations in ms, retry policies, edges, order', async () => {
    const { pipeline } = await validateSpecFile(fixture('valid', 'full.yaml'), { plugins: testCatalog, projectRoot: FIXTURES })
    const p = pipeline!
    expect(p.order).toEqual(['extract', 'summarize', 'publish', 'clean', 'alert'])
    expect(p.io.lake).toEqual({ name: 'lake', type: 'gcs', config: { bucket: 'acme-lake', prefix: 'weir', compression: 'zstd' } })
    const extract = p.tasks.get('extract')!
    expect(extract.retry).toMatchObject({ maxRetries: 3, delayMs: 10_000, maxDelayMs: 300_000, backoff: 'exponential', jitter: 'full' })
    expect(extract.timeoutMs).toBe(600_000)
    expect(extract.output).toEqual({ kind: 'table', columns: { order_id: 'int64', amount: 'float64', country: 'string' } })
    expect(extract.handler).toEqual({ written: '../handlers/sales.ts#extract', modulePath: resolve(FIXTURES, 'handlers/sales.ts'), exportName: 'extract' })
    const summarize = p.tasks.get('summarize')!
    expect(summarize.timeoutMs).toBe(90_000)
    expect(summarize.retry.maxRetries).toBe(0)
    expect(summarize.io).toBe('scratch')
    expect(summarize.edges).toEqual([{ from: 'extract', to: 'summarize', kind: 'data', pointer: '/tasks/summarize/inputs/orders' }])
    expect(summarize.inputs.orders).toEqual({ kind: 'ref', ref: { kind: 'output', taskId: 'extract', path: [] } })
    expect(p.tasks.get('extract')!.inputs.label).toEqual({ kind: 'template', parts: ['run ', { kind: 'run', field: 'id' }, ' of ', { kind: 'run', field: 'pipeline' }] })
    expect(p.tasks.get('alert')!).toMatchObject({ trigger: 'one_failed', upstream: ['extract', 'summarize', 'publish'], handler: { exportName: 'default' } })
    expect(p.schedule).toEqual({ cron: '0 3 * * *', timezone: 'Europe/Berlin', overlap: 'skip', catchup: 'latest', catchupLimit: 100, params: { threshold: 0.8 }, paused: false })
    expect(p.params.threshold).toMatchObject({ hasDefault: true, default: 0.5 })
  })

  test('mapped.yaml resolves foreach lists, item references and their edges (issue 11)', async () => {
    const { pipeline } = await validateSpecFile(fixture('valid', 'mapped.yaml'), { plugins: testCatalog, projectRoot: FIXTURES })
    const p = pipeline!
    const perRegion = p.tasks.get('per_region')!
    expect(perRegion.foreach).toEqual({ source: { kind: 'ref', ref: { kind: 'output', taskId: 'list', path: [] } }, concurrency: 4, pointer: '/tasks/per_region/foreach/items' })
    expect(perRegion.edges).toContainEqual({ from: 'list', to: 'per_region', kind: 'data', pointer: '/tasks/per_region/foreach/items' })
    expect(perRegion.inputs.code).toEqual({ kind: 'ref', ref: { kind: 'item', path: ['code'] } })
    expect(perRegion.inputs.at).toEqual({ kind: 'ref', ref: { kind: 'item_index' } })
    expect(perRegion.inputs.label).toEqual({ kind: 'template', parts: ['region ', { kind: 'item', path: ['code'] }] })
    expect(p.tasks.get('chained')!.upstream).toEqual(['per_region'])
    expect(p.tasks.get('per_day')!.foreach).toEqual({ source: { kind: 'ref', ref: { kind: 'param', name: 'days' } }, pointer: '/tasks/per_day/foreach' })
    expect(p.tasks.get('literal')!.foreach).toEqual({ source: { kind: 'literal', value: ['EU', 'US'] }, pointer: '/tasks/literal/foreach' })
    expect(p.tasks.get('combine')!.foreach).toBeUndefined()
    expect(p.order.indexOf('list')).toBeLessThan(p.order.indexOf('per_region'))
  })
})

describe('the examples in pipelines/', () => {
  test('there are examples', () => {
    expect(examples.length).toBeGreaterThan(0)
  })

  test.each(examples)('%s validates clean with the built-in plugins', async (file) => {
    const { diagnostics, pipeline } = await validateSpecFile(resolve(EXAMPLES, file), { plugins: builtinCatalog() })
    expect(diagnostics).toEqual([])
    expect(pipeline).toBeDefined()
  })
})
