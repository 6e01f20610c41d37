/**
 * Fan-in under `weir execute` (issue 11): the inputs.json a parent writes lists a mapped upstream
 * task's item outputs, the check of that document, and what execute still refuses (map → map).
 */
import { describe, expect, test } from 'vitest'
import { findShapeProblem } from '../../../../src/cli/check-inputs-document.ts'
import { checkFanIn, checkItemUsage } from '../../../../src/runtime/execute/item.ts'
import { pipelineFromYaml, specText } from '../helpers.ts'

const ref = { uri: 'file:///o/items/0/output.json', format: 'json', io: 'fs' }

describe('inputs.json with item outputs', () => {
  test('a list of stored outputs (null where an item has none) is well formed', () => {
    expect(findShapeProblem({ outputs: {}, values: {}, itemOutputs: { m: [ref, null, ref] } })).toBeUndefined()
    expect(findShapeProblem({ outputs: {}, values: {}, itemOutputs: { m: [] } })).toBeUndefined()
  })

  test('anything else is refused, naming the entry', () => {
    expect(findShapeProblem({ itemOutputs: [] })).toBe('itemOutputs must be an object of task id → list of stored outputs')
    expect(findShapeProblem({ itemOutputs: { m: ref } })).toBe('itemOutputs.m must be a list of stored outputs (null for an item without one)')
    expect(findShapeProblem({ itemOutputs: { m: [{ uri: 1 }] } })).toBe('itemOutputs.m must be a list of stored outputs (null for an item without one)')
  })
})

describe('what weir execute accepts', () => {
  test('a task reading a mapped task runs when its inputs list the items, and is refused without them', async () => {
    const pipeline = await pipelineFromYaml(specText('fanin', { m: 'foreach: [1, 2]\ninputs: { n: "${{ item }}" }', all: 'inputs: { xs: "${{ tasks.m.output }}" }' }))
    const all = pipeline.tasks.get('all')!
    expect(() => checkItemUsage(pipeline, all, undefined)).not.toThrow()
    expect(() => checkFanIn(pipeline, all, { m: [ref] })).not.toThrow()
    expect(() => checkFanIn(pipeline, all, undefined)).toThrow("Task 'all' reads mapped task 'm', whose item outputs are not in --inputs")
  })

  test('map → map stays refused', async () => {
    const pipeline = await pipelineFromYaml(specText('chain', { m: 'foreach: [1, 2]\ninputs: { n: "${{ item }}" }', again: 'foreach: ${{ tasks.m.output }}\ninputs: { x: "${{ item }}" }' }))
    expect(() => checkItemUsage(pipeline, pipeline.tasks.get('again')!, 0)).toThrow("Task 'again' is mapped and reads mapped task 'm'")
  })
})
