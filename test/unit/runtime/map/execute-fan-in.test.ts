/**
 * Fan-in under `weir execute` (issue 11): the inputs.json a parent writes lists a mapped upstream
 * task's item outputs, and the check of that document. (What execute does with it: test/e2e.)
 */
import { describe, expect, test } from 'vitest'
import { findShapeProblem } from '../../../../src/cli/check-inputs-document.ts'

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
