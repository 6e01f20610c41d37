import { describe, expect, test } from 'vitest'
import { skipReport } from '../../support/skip-report.ts'

// No test skips silently (issue 15): the summary names why each skipped test did not run.
describe('the skip report printed before the summary line', () => {
  test('groups skipped tests by the reason their file gives', () => {
    const lines = skipReport([
      { file: 'test/browser/graph-html.test.ts', skipped: ['(skipped: Chromium not found at /usr/bin/chromium)', 'the graph page > draws', 'the graph page > colours'] },
      { file: 'test/unit/a.test.ts', skipped: [] },
    ])
    expect(lines).toEqual(['3 skipped tests:', '  test/browser/graph-html.test.ts (3): Chromium not found at /usr/bin/chromium'])
  })

  test('names the files whose skipped tests give no reason', () => {
    const lines = skipReport([{ file: 'test/unit/b.test.ts', skipped: ['b > one', 'b > two'] }])
    expect(lines).toEqual(['2 skipped tests:', '  test/unit/b.test.ts (2): no reason given (a .skip, .todo or a -t filter)'])
  })

  test('under CI=true the reason comes from the failing placeholder', () => {
    const lines = skipReport([{ file: 'test/x.test.ts', skipped: ['x > one'], others: ['needs what is missing, as CI=true (skipped: python3 is not installed)'] }])
    expect(lines).toEqual(['1 skipped test:', '  test/x.test.ts (1): python3 is not installed'])
  })

  test('says nothing when nothing was skipped', () => {
    expect(skipReport([{ file: 'test/unit/a.test.ts', skipped: [] }])).toEqual([])
  })
})
