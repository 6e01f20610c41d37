import { describe, expect, test } from 'vitest'
import { EXPR_KEYWORDS, MAX_OBJECT_NAME_LENGTH, MAX_TASK_NAME_LENGTH, toDagTaskName, toDagTaskNames, toObjectName } from '../../../src/plugins/targets/argo/names.ts'

/** Lowercase DNS-1123 label characters, starting with a letter (see names.ts for why). */
const ARGO_NAME = /^[a-z]([-a-z0-9]*[a-z0-9])?$/
const WEIR_ID = /^[a-z][a-z0-9_]*$/
const MAX_ID = 63

/**
 * The inverse of the mapping on weir ids, written from the argument in names.ts: a name decodes
 * to exactly one id, so no two ids can share it.
 */
function decode(name: string): string {
  const marker = name.lastIndexOf('--')
  if (marker < 0) return name.replaceAll('-', '_')
  return name.slice(0, marker).replaceAll('-', '_') + '_'.repeat(Number(name.slice(marker + 2)))
}

/** Deterministic pseudo-random numbers (mulberry32), so a failure always reproduces. */
function random(seed: number): () => number {
  let a = seed
  return () => {
    a = (a + 0x6d2b79f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Random weir ids, biased towards `_` runs, digits after `_` and the 63-character limit. */
function randomIds(count: number, seed: number): string[] {
  const next = random(seed)
  const pick = (chars: string) => chars[Math.floor(next() * chars.length)]!
  const ids: string[] = []
  for (let i = 0; i < count; i++) {
    const length = next() < 0.2 ? MAX_ID - Math.floor(next() * 3) : 1 + Math.floor(next() * MAX_ID)
    let id = pick('abcdefghijklmnopqrstuvwxyz')
    while (id.length < length) id += pick(next() < 0.5 ? '_' : 'ab01_9z')
    ids.push(id)
  }
  return ids
}

/** Every weir id up to `maxLength` over a small alphabet: all the ways `_`, letters and digits mix. */
function allIds(maxLength: number): string[] {
  const ids: string[] = []
  const grow = (id: string) => {
    ids.push(id)
    if (id.length < maxLength) for (const c of 'a0_1') grow(id + c)
  }
  grow('a')
  grow('b')
  return ids
}

/** Fails naming the first ids that share a name, or a name Argo would refuse. */
function expectInjective(ids: readonly string[], nameOf: (id: string) => string, maxLength: number): void {
  const owner = new Map<string, string>()
  const problems: string[] = []
  for (const id of new Set(ids)) {
    const name = nameOf(id)
    if (!ARGO_NAME.test(name) || name.length > maxLength) problems.push(`'${id}' becomes '${name}', which Argo refuses`)
    if (EXPR_KEYWORDS.has(name.replaceAll('-', '_')) && nameOf === toDagTaskName) problems.push(`'${id}' becomes the expr keyword '${name}'`)
    const other = owner.get(name)
    if (other !== undefined) problems.push(`'${other}' and '${id}' both become '${name}'`)
    owner.set(name, id)
  }
  expect(problems.slice(0, 5)).toEqual([])
}

const both = [
  { what: 'DAG task names', nameOf: toDagTaskName, maxLength: 66 },
  { what: 'object names', nameOf: toObjectName, maxLength: 66 },
]

describe('Argo names', () => {
  test('keeps ordinary ids readable: `_` becomes `-`', () => {
    expect(toDagTaskName('daily_sales')).toBe('daily-sales')
    expect(toDagTaskName('x'.repeat(63))).toBe('x'.repeat(63))
    expect(toDagTaskName('load_2024')).toBe('load-2024')
    expect(toObjectName('daily_sales')).toBe('daily-sales')
  })

  test("gives the issue's ids distinct names (#15: 'a_' and 'a_571fb0e3' were both 'a-571fb0e3')", () => {
    const names = toDagTaskNames(['a', 'a_', 'a_571fb0e3', 'a__', 'a_1', 'a__1', 'a_1_'])
    expect(new Set(names.values()).size).toBe(names.size)
    expect(Object.fromEntries(names)).toEqual({ a: 'a', a_: 'a--1', a_571fb0e3: 'a-571fb0e3', a__: 'a--2', a_1: 'a-1', a__1: 'a--1--0', a_1_: 'a-1--1' })
  })

  test('a name depends on its id alone, not on the other tasks', () => {
    expect(toDagTaskNames(['a_']).get('a_')).toBe(toDagTaskNames(['a', 'a_', 'b']).get('a_'))
  })

  test("task names never start with a digit or read as an expr keyword in 'depends'", () => {
    for (const word of EXPR_KEYWORDS) {
      expect(toDagTaskName(word)).toBe(`${word}--0`)
      expect(toObjectName(word)).toBe(word)
    }
  })

  test('names stay within 66 characters: 63 or fewer unless the id has a double or trailing underscore', () => {
    for (let k = 1; k <= 62; k++) {
      const id = 'l'.repeat(MAX_ID - k) + '_'.repeat(k)
      expect(toDagTaskName(id).length, id).toBeLessThanOrEqual(MAX_ID - k + 2 + String(k).length)
    }
    expect(toDagTaskName('a' + '_'.repeat(62))).toBe('a--62')
    expect(toDagTaskName('a__' + 'b'.repeat(60)).length).toBe(66)
    expect(66).toBeLessThanOrEqual(MAX_TASK_NAME_LENGTH)
  })

  test.each(both)('no two distinct ids map to one name ($what): every id up to 8 characters over a, b, 0, 1, _', ({ nameOf, maxLength }) => {
    const ids = allIds(8)
    expect(ids.length).toBeGreaterThan(30_000)
    expectInjective(ids, nameOf, maxLength)
  })

  test.each(both)('no two distinct ids map to one name ($what): 10,000 random ids up to 63 characters, and their variants', ({ nameOf, maxLength }) => {
    const ids = randomIds(10_000, 15).filter((id) => WEIR_ID.test(id))
    const variants = ids.flatMap((id) => [id, `${id.slice(0, 62)}_`, `${id.slice(0, 60)}___`, id.replace(/_+$/, ''), id.replaceAll('_', '__').slice(0, 63)])
    expectInjective([...variants.filter((id) => id.length > 0), ...EXPR_KEYWORDS], nameOf, maxLength)
  })

  test('every name decodes back to its id (the argument in names.ts, checked)', () => {
    const wrong = [...allIds(6), ...randomIds(5_000, 7), ...EXPR_KEYWORDS].filter((id) => decode(toDagTaskName(id)) !== id || decode(toObjectName(id)) !== id)
    expect(wrong).toEqual([])
  })

  test('anything that is not a weir id gets a hashed name ending in --h<hex>, never a plain or escaped one', () => {
    const odd = ['X', 'a-b', '_a', '0a', 'é', 'x'.repeat(80), 'x'.repeat(64), '', '1']
    for (const id of odd) {
      const name = toDagTaskName(id)
      expect(name, id).toMatch(/--h[0-9a-f]{12}$/)
      expect(name, id).toMatch(ARGO_NAME)
      expect(name.length, id).toBeLessThanOrEqual(MAX_OBJECT_NAME_LENGTH)
    }
    expect(toDagTaskName('x'.repeat(80))).toMatch(/^x{48}--h[0-9a-f]{12}$/)
    expectInjective([...odd, ...allIds(3)], toDagTaskName, MAX_OBJECT_NAME_LENGTH)
  })
})
