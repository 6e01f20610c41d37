/** How the terminal shows a mapped task (issue 11): one row with item counts, failed items listed, no line per item. */
import { describe, expect, test } from 'vitest'
import { createTaskBoard } from '../../../src/cli/display/task-board.ts'
import { describeEvent } from '../../../src/cli/display/plain-display.ts'
import { failedItemLines, itemCountsOf } from '../../../src/cli/display/map-items.ts'
import { createPalette } from '../../../src/cli/colors.ts'
import type { RunEvent } from '../../../src/runtime/api.ts'

const p = createPalette(false)
const base = { runId: 'r', taskId: 'total_region' }
const error = { code: 'HANDLER_ERROR', message: 'no rates for XX', origin: 'user' as const, recoverable: true }

describe('a mapped task on the terminal', () => {
  test('plain lines: the list, item retries and failures, the final counts; nothing per succeeded item', () => {
    const board = createTaskBoard()
    const events: RunEvent[] = [
      { type: 'run:start', runId: 'r', pipeline: 'p', at: 0, tasks: ['total_region'] },
      { ...base, type: 'task:start', attempt: 1, at: 1 },
      { ...base, type: 'task:map', count: 10_000, hash: 'h', at: 2 },
      ...Array.from({ length: 10_000 }, (_, index): RunEvent[] => [
        { ...base, type: 'item:start', index, attempt: 1, at: 3 },
        index === 7 ? { ...base, type: 'item:fail', index, attempt: 1, error, at: 4 } : { ...base, type: 'item:succeed', index, attempt: 1, at: 4 },
      ]).flat(),
      { ...base, type: 'task:fail', attempt: 1, error: { ...error, code: 'MAP_ITEMS_FAILED', message: '1 of 10,000 items failed; item 7: no rates for XX' }, at: 5 },
    ]
    const lines = events.flatMap((e) => {
      board.apply(e)
      return describeEvent(e, board, p) ?? []
    })
    expect(lines.slice(1)).toEqual([
      '▶ total_region started',
      '▶ total_region ▸ 10,000 items',
      '✗ total_region item 7 failed: no rates for XX',
      '✗ total_region failed in 4ms ▸ 9,999/10,000 succeeded, 1 failed: 1 of 10,000 items failed; item 7: no rates for XX',
    ])
    const record = board.tasks.get('total_region')!.record
    expect(itemCountsOf(record.items)).toBe('▸ 9,999/10,000 succeeded, 1 failed')
    expect(failedItemLines(record.items)).toEqual(['item 7: HANDLER_ERROR: no rates for XX'])
  })

  test('failed items beyond the limit are counted, not listed', () => {
    const items = Array.from({ length: 9 }, () => ({ status: 'failed' as const, attempts: 2, error }))
    expect(failedItemLines(items, 2)).toEqual(['item 0 (2 attempts): HANDLER_ERROR: no rates for XX', 'item 1 (2 attempts): HANDLER_ERROR: no rates for XX', '… and 7 more failed items'])
  })
})
