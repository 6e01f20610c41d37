// `cache:` on tasks and in `defaults`, normalized into Task.cache (docs/caching.md).
import { describe, expect, test } from 'vitest'
import { validateSpec } from '../../../src/spec/validate.ts'
import { FIXTURES, fixture, testCatalog } from './support.ts'

async function tasksOf(defaults: string, tasks: Record<string, string>) {
  const text = [
    'apiVersion: weir/v1',
    'kind: Pipeline',
    'name: cached',
    ...(defaults ? ['defaults:', `  cache: ${defaults}`] : []),
    'tasks:',
    ...Object.entries(tasks).flatMap(([id, cache]) => [`  ${id}:`, '    handler: ../handlers/sales.ts#extract', ...(cache ? [`    cache: ${cache}`] : [])]),
  ].join('\n')
  const result = await validateSpec(text, { path: fixture('valid', 'cached.yaml'), plugins: testCatalog, projectRoot: FIXTURES })
  expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([])
  return result.pipeline!.tasks
}

describe('cache settings', () => {
  test('a task without cache anywhere is not cached', async () => {
    expect((await tasksOf('', { a: '' })).get('a')!.cache).toBeUndefined()
  })

  test('cache: true caches with an empty version and no ttl', async () => {
    expect((await tasksOf('', { a: 'true' })).get('a')!.cache).toEqual({ version: '' })
  })

  test('defaults.cache applies to every task; a task can turn it off or override fields one by one', async () => {
    const tasks = await tasksOf('{ version: "3", ttl: 7d }', { a: '', b: 'false', c: 'true', d: '{ ttl: 1h }', e: '{ version: "4" }' })
    expect(tasks.get('a')!.cache).toEqual({ version: '3', ttlMs: 7 * 86_400_000 })
    expect(tasks.get('b')!.cache).toBeUndefined()
    expect(tasks.get('c')!.cache).toEqual({ version: '3', ttlMs: 7 * 86_400_000 })
    expect(tasks.get('d')!.cache).toEqual({ version: '3', ttlMs: 3_600_000 })
    expect(tasks.get('e')!.cache).toEqual({ version: '4', ttlMs: 7 * 86_400_000 })
  })

  test('defaults.cache: false leaves tasks that ask for it cached', async () => {
    const tasks = await tasksOf('false', { a: '', b: '{ version: "x" }' })
    expect(tasks.get('a')!.cache).toBeUndefined()
    expect(tasks.get('b')!.cache).toEqual({ version: 'x' })
  })
})
