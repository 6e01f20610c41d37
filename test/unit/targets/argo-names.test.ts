import { describe, expect, test } from 'vitest'
import { toDnsLabel, toUniqueDnsLabels } from '../../../src/plugins/targets/argo/names.ts'

const DNS_1123 = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/

describe('Argo names', () => {
  test('turns weir ids into DNS-1123 labels', () => {
    expect(toDnsLabel('daily_sales')).toBe('daily-sales')
    expect(toDnsLabel('a__b_')).toBe('a-b')
    expect(toDnsLabel('x'.repeat(80))).toMatch(/^x{54}-[0-9a-f]{8}$/)
  })

  test('keeps names unique after sanitising, stably, within 63 characters', () => {
    const ids = ['a', 'a_', 'a__', 'load_' + 'x'.repeat(58), 'load_' + 'x'.repeat(57) + '_']
    const names = toUniqueDnsLabels(ids)
    expect(new Set(names.values()).size).toBe(ids.length)
    for (const name of names.values()) {
      expect(name).toMatch(DNS_1123)
      expect(name.length).toBeLessThanOrEqual(63)
    }
    expect(names.get('a')).toBe('a')
    expect(toUniqueDnsLabels(ids)).toEqual(names)
  })
})
