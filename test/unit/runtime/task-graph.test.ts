/** The run's task graph: the same from normalize's task numbers as from the tasks themselves (issue 16). */
import { describe, expect, test } from 'vitest'
import { normalizeSpec } from '../../../src/spec/normalize.ts'
import { taskNumbersOf } from '../../../src/spec/task-numbers.ts'
import { indexPipeline } from '../../../src/runtime/task-graph.ts'
import type { PipelineSpec } from '../../../src/spec/spec-types.ts'

/** A spec whose declaration order is not its topological order, with data, value and needs edges. */
const spec = {
  apiVersion: 'weir/v1',
  kind: 'Pipeline',
  name: 'p',
  tasks: {
    late: { handler: './h.ts#a', needs: ['b', 'a'], trigger: 'all_done' },
    a: { handler: './h.ts#a' },
    c: { handler: './h.ts#a', inputs: { x: '${{ tasks.b.output }}', y: '${{ tasks.a.values.n }}' }, needs: ['b'] },
    b: { handler: './h.ts#a', needs: ['a'], trigger: 'one_failed' },
    root: { handler: './h.ts#a' },
  },
} as unknown as PipelineSpec

describe('indexPipeline', () => {
  test('builds the same graph from the numbers normalize kept as from the tasks of a copy without them', () => {
    const pipeline = normalizeSpec(spec, '/p/pipelines/p.yaml', 'text')
    const copy = { ...pipeline }
    expect(taskNumbersOf(pipeline)).toBeDefined()
    expect(taskNumbersOf(copy)).toBeUndefined()
    const fromNumbers = indexPipeline(pipeline)
    const fromTasks = indexPipeline(copy)
    expect(fromNumbers.ids).toEqual(['a', 'root', 'b', 'late', 'c'])
    expect(fromNumbers).toEqual(fromTasks)
    for (const id of fromTasks.ids) expect(fromNumbers.indexOf.get(id)).toBe(fromTasks.indexOf.get(id))
    expect(fromNumbers.indexOf.size).toBe(fromTasks.indexOf.size)
    // c's upstream in its `upstream` order (b, a), as positions; a's downstream in position order.
    const c = fromNumbers.indexOf.get('c')!
    expect([...fromNumbers.upIndex.subarray(fromNumbers.upStart[c], fromNumbers.upStart[c + 1])]).toEqual([2, 0])
    const a = fromNumbers.indexOf.get('a')!
    expect([...fromNumbers.downIndex.subarray(fromNumbers.downStart[a], fromNumbers.downStart[a + 1])].map((i) => fromNumbers.ids[i])).toEqual(['b', 'late', 'c'])
    expect(fromNumbers.rules).toEqual(['all_success', 'all_success', 'one_failed', 'all_done', 'all_success'])
  })
})
