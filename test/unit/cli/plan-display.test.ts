/** `weir run --dry-run`'s plan on the terminal: the counts of a resume's items read as English. */
import { describe, expect, test } from 'vitest'
import { formatPlan } from '../../../src/cli/display/plan.ts'
import { createPalette } from '../../../src/cli/colors.ts'
import type { ResumePlan, ReusedTask } from '../../../src/runtime/plan-resume.ts'
import { pipelineFromYaml, specText } from '../runtime/helpers.ts'

const p = createPalette(false)
const item = (i: number): ReusedTask => ({ values: { i }, fromRunId: 'before' })

const planOf = (done: number, total: number, whole: number): ResumePlan => ({
  resumedFrom: 'before',
  reuse: new Map([['whole', { values: {}, fromRunId: 'before', map: { hash: 'h', items: Array.from({ length: whole }, (_, i) => item(i)) } }]]),
  reuseItems: new Map([['m', { hash: 'h', items: new Map(Array.from({ length: done }, (_, i) => [i, item(i)] as const)), count: total }]]),
  rerun: ['m'],
  reasons: new Map([['m', 'failed']]),
  specChanged: false,
})

describe('the plan of a resume with mapped tasks', () => {
  test('one item is "1 item", not "1 items" (review finding)', async () => {
    const pipeline = await pipelineFromYaml(specText('items', { whole: 'foreach: [1]', m: 'foreach: [1, 2]' }))
    const text = formatPlan(pipeline, planOf(1, 1, 1), false, p)
    expect(text).toContain('reuse (its 1 item)')
    expect(text).toContain('run (failed; 0 of 1 item to run, 1 reused)')
    expect(text).toContain('1 to run, 1 reused; 1 item reused.')
  })

  test('more than one are items', async () => {
    const pipeline = await pipelineFromYaml(specText('items', { whole: 'foreach: [1, 2]', m: 'foreach: [1, 2, 3]' }))
    const text = formatPlan(pipeline, planOf(2, 3, 2), false, p)
    expect(text).toContain('reuse (its 2 items)')
    expect(text).toContain('run (failed; 1 of 3 items to run, 2 reused)')
    expect(text).toContain('1 to run, 1 reused; 2 items reused.')
  })
})
