import { describe, expect, test } from 'vitest'
import { boundedEditDistance, closest, editDistance, suggestFix } from '../../../src/spec/did-you-mean.ts'

/** The textbook table, kept here to check the bounded, row-reusing version against. */
function referenceDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)))
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) {
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1))
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1)
    }
  return d[a.length]![b.length]!
}

describe('edit distance', () => {
  test('known pairs: insertions, deletions, substitutions and a swap of neighbours', () => {
    expect(editDistance('extract', 'extrct')).toBe(1)
    expect(editDistance('retries', 'retires')).toBe(1)
    expect(editDistance('kitten', 'sitting')).toBe(3)
    expect(editDistance('', 'abc')).toBe(3)
    expect(editDistance('abc', '')).toBe(3)
  })

  test('the bounded version agrees with the textbook table: exact under the bound, above it otherwise', () => {
    let seed = 7
    const random = (n: number): number => ((seed = (seed * 1103515245 + 12345) % 2147483648) % n)
    const word = (): string => Array.from({ length: random(12) }, () => 'abcd'[random(4)]).join('')
    for (let k = 0; k < 3000; k++) {
      const a = word()
      const b = word()
      const exact = referenceDistance(a, b)
      expect(editDistance(a, b), `${a} ${b}`).toBe(exact)
      const bound = random(5)
      const bounded = boundedEditDistance(a, b, bound)
      if (exact <= bound) expect(bounded, `${a} ${b} ≤ ${bound}`).toBe(exact)
      else expect(bounded, `${a} ${b} ≤ ${bound}`).toBeGreaterThan(bound)
    }
  })

  test('a long name after short ones grows the reused rows', () => {
    const long = 'x'.repeat(500)
    expect(editDistance('ab', 'ba')).toBe(1)
    expect(editDistance(long, long + 'y')).toBe(1)
  })
})

describe('closest', () => {
  test('the nearest plausible name, ignoring case; nothing for unrelated names', () => {
    expect(closest('extrct', ['load', 'extract', 'summarize'])).toBe('extract')
    expect(closest('EXTRACT', ['extract'])).toBe('extract')
    expect(closest('zzzzzz', ['load', 'extract'])).toBeUndefined()
    expect(closest('retry', ['timeout', 'retries'])).toBe('retries')
  })

  test('names beyond ASCII, and candidates given as a one-pass iterator', () => {
    expect(closest('straße', ['strasse', 'straßen'])).toBe('straßen')
    expect(closest('tâche_un', ['tache_un'])).toBe('tache_un')
    expect(closest('retry', new Map([['timeout', 1], ['retries', 2]]).keys())).toBe('retries')
    // The letter counts kept between calls are cleared: a later look-up is not skewed by this one.
    expect(closest('aaaa', ['aaab'])).toBe('aaab')
  })

  test('the first of equally close names wins, as before', () => {
    expect(closest('tesk', ['task', 'test'])).toBe('task')
  })

  test('thousands of references against thousands of names give the same answers as a full search', () => {
    const names = Array.from({ length: 3000 }, (_, i) => `task_${i}`)
    for (const probe of ['task_17x', 'tsak_2999', 'missing_5', 'task_100']) {
      const full = names.map((n) => ({ n, d: referenceDistance(probe, n) })).filter((c) => c.d <= Math.max(2, Math.floor(probe.length / 3)))
      const best = full.length ? full.reduce((a, b) => (b.d < a.d ? b : a)).n : undefined
      expect(closest(probe, names), probe).toBe(best)
    }
  })

  test('suggestFix lists names when none is close, and hints when there are none', () => {
    expect(suggestFix('zz', ['a1', 'b1'], 'other tasks', 'declare it')).toBe("; did you mean 'a1'?")
    expect(suggestFix('zzzzzz', ['alpha', 'beta'], 'other tasks', 'declare it')).toBe("; other tasks are 'alpha' and 'beta'.")
    expect(suggestFix('zzzzzz', [], 'other tasks', 'declare it')).toBe('; declare it.')
  })
})
