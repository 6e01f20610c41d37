/**
 * The attempts in flight that a cancel gives up on: an ordinary task has one at a time, but the
 * items of a mapped task run side by side under the same task index, and every one must be found.
 */
import { describe, expect, test } from 'vitest'
import { ActiveAttempts } from '../../../src/runtime/run-loop/active-attempts.ts'

const attempt = () => ({ giveUp: () => {} })

describe('ActiveAttempts', () => {
  test('several attempts of one task (the items of a map) are all listed and counted', () => {
    const active = new ActiveAttempts(2)
    const [a, b, c, d] = [attempt(), attempt(), attempt(), attempt()]
    active.add(0, a)
    active.add(0, b)
    active.add(0, c)
    active.add(1, d)
    expect(active.size).toBe(4)
    expect(new Set(active.list())).toEqual(new Set([a, b, c, d]))
    active.delete(0, a)
    expect(active.size).toBe(3)
    expect(new Set(active.list())).toEqual(new Set([b, c, d]))
    active.delete(0, c)
    active.delete(0, b)
    active.delete(1, d)
    expect(active.size).toBe(0)
    expect(active.list()).toEqual([])
  })

  test('deleting an attempt that is not in flight changes nothing', () => {
    const active = new ActiveAttempts(1)
    const a = attempt()
    active.add(0, a)
    active.delete(0, attempt())
    active.delete(0, a)
    active.delete(0, a)
    expect(active.size).toBe(0)
  })
})
