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
})
