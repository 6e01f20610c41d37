import { describe, expect, test } from 'vitest'
import { hostname } from 'node:os'
import { toUiRun } from '../../../src/ui/server/run-view.ts'
import type { RunRecord } from '../../../src/runtime/run-store/records.ts'

const run: RunRecord = {
  runId: 'r2', pipeline: 'p', specHash: 'h', sourcePath: '/p.yaml', params: {}, trigger: 'manual', pid: 1, host: hostname(),
  status: 'succeeded', startedAt: 1, finishedAt: 9, taskOrder: ['a', 'b'], dir: '/d', logDir: '/d/logs',
  tasks: {
    a: { id: 'a', status: 'succeeded', attempts: [{ attempt: 1, status: 'succeeded', startedAt: 2, finishedAt: 3 }], cachedFrom: { runId: 'r1', key: 'k'.repeat(64) } },
    b: { id: 'b', status: 'succeeded', attempts: [{ attempt: 1, status: 'succeeded', startedAt: 4, finishedAt: 5 }] },
  },
}

describe('the run page view of a task', () => {
  test('a cache hit shows as cached, naming the run it came from (not the key)', () => {
    const ui = toUiRun(run, undefined)
    const a = ui.tasks.find((t) => t.id === 'a')!
    expect(a).toMatchObject({ status: 'succeeded', cachedFrom: 'r1' })
    expect(JSON.stringify(ui)).not.toContain('k'.repeat(64))
    const b = ui.tasks.find((t) => t.id === 'b')!
    expect(b.cachedFrom).toBeUndefined()
  })

  test('a mapped task shows its item counts and its failed items, never the items themselves', () => {
    const item = (status: 'succeeded' | 'failed') => ({ status, attempts: 1, ...(status === 'failed' && { error: { code: 'HANDLER_ERROR', message: 'boom', origin: 'user' as const, recoverable: false } }), values: { secretish: 'x'.repeat(40) } })
    const mapped: RunRecord = { ...run, taskOrder: ['m'], tasks: { m: { id: 'm', status: 'failed', attempts: [], items: [item('succeeded'), item('failed'), item('succeeded')] } } }
    const m = toUiRun(mapped, undefined).tasks.find((t) => t.id === 'm')!
    expect(m.items).toEqual({ counts: '2/3 succeeded, 1 failed', failed: ['item 1: HANDLER_ERROR: boom'] })
    expect(JSON.stringify(m)).not.toContain('x'.repeat(40))
  })
})
