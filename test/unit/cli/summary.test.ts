import { describe, expect, test } from 'vitest'
import { createPalette } from '../../../src/cli/colors.ts'
import { formatSummary } from '../../../src/cli/display/summary.ts'
import { createTaskBoard } from '../../../src/cli/display/task-board.ts'
import { describeEvent } from '../../../src/cli/display/plain-display.ts'
import type { RunResult } from '../../../src/runtime/api.ts'

const p = createPalette(false)
const ctx = { specPath: 'p.yaml', logDir: '.weir/runs/r2/logs', hasLogs: false, durationMs: 1200, listAll: true }
const result: RunResult = {
  runId: 'r2',
  pipeline: 'demo',
  status: 'succeeded',
  tasks: {
    extract: { status: 'succeeded', attempts: 1, cachedFrom: { runId: 'r1', key: 'a'.repeat(64) }, durationMs: 3 },
    summarize: { status: 'succeeded', attempts: 1, durationMs: 40 },
    resumed: { status: 'succeeded', attempts: 0 },
  },
}

describe('a cache hit at the end of weir run', () => {
  test('the summary says cached with the run it came from, and counts it apart from succeeded', () => {
    const text = formatSummary(result, ctx, p)
    expect(text).toMatch(/= extract\s+cached\s+\S+\s+\(from run r1\)/)
    expect(text).toMatch(/✓ summarize\s+succeeded/)
    expect(text).toMatch(/= resumed\s+reused/)
    expect(text).toContain('Run r2 succeeded in 1.2s: 1 cached, 1 succeeded, 1 reused.')
  })

  test('a short summary (many tasks) leaves cached tasks out with the other successes', () => {
    const text = formatSummary(result, { ...ctx, listAll: false }, p)
    expect(text).not.toContain('extract')
    expect(text).toContain('1 cached')
  })

  test('the board shows a hit as cached, with the run, and the plain display says so', () => {
    const board = createTaskBoard()
    board.apply({ type: 'run:start', runId: 'r2', pipeline: 'demo', tasks: ['extract'], at: 1 } as never)
    board.apply({ type: 'task:start', runId: 'r2', taskId: 'extract', attempt: 1, at: 2 })
    const event = { type: 'task:succeed', runId: 'r2', taskId: 'extract', attempt: 1, at: 3, values: {}, cachedFrom: { runId: 'r1', key: 'k' } } as const
    const task = board.apply(event)!
    expect(task).toMatchObject({ status: 'cached', note: 'cached from run r1' })
    expect(board.counts()).toMatchObject({ cached: 1, succeeded: 0 })
    expect(task.record.status).toBe('succeeded')
    expect(describeEvent(event, board, p)).toBe('= extract cached (from run r1)')
  })
})

describe('the Resume command at the end of a run that did not succeed', () => {
  const failed: RunResult = { runId: 'r3', pipeline: 'demo', status: 'failed', tasks: { a: { status: 'failed', attempts: 1, error: { code: 'HANDLER_ERROR', message: 'x', origin: 'user', recoverable: true } } } }
  const resumeLine = (extra: object) => formatSummary(failed, { ...ctx, ...extra }, p).split('\n').find((l) => l.startsWith('Resume:'))

  test('is as given for a plain path and the default state dir', () => {
    expect(resumeLine({})).toBe('Resume: weir run p.yaml --resume r3')
  })

  test('carries --state-dir when the run used one, or the resume would look in .weir and find no run', () => {
    expect(resumeLine({ stateDir: 'state/nightly' })).toBe('Resume: weir run p.yaml --resume r3 --state-dir state/nightly')
  })

  test('quotes words a shell would split or expand, so it can be pasted as it is', () => {
    expect(resumeLine({ specPath: 'my specs/a b.yaml' })).toBe("Resume: weir run 'my specs/a b.yaml' --resume r3")
    expect(resumeLine({ specPath: "x$(touch pwned)'s.yaml" })).toBe("Resume: weir run 'x$(touch pwned)'\\''s.yaml' --resume r3")
  })
})
