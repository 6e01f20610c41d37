/** The random part of temp file names (src/plugins/io/random-id.ts): version 4 UUIDs from /dev/urandom, never the same twice. */
import { describe, expect, test } from 'vitest'
import { randomId } from '../../../src/plugins/io/random-id.ts'

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

describe('random ids', () => {
  test('have the layout of a version 4 UUID and do not repeat, across many reads of the random source', () => {
    // 1000 ids take 16 bytes each from pools of 256: about 60 reads of /dev/urandom.
    const ids = Array.from({ length: 1000 }, randomId)
    for (const id of ids) expect(id).toMatch(UUID_V4)
    expect(new Set(ids).size).toBe(ids.length)
  })

  test('every hex digit outside the version and variant varies (no byte left zero)', () => {
    const ids = Array.from({ length: 200 }, randomId)
    for (const at of [0, 7, 9, 12, 15, 20, 24, 35]) expect(new Set(ids.map((id) => id[at])).size, `digit ${at}`).toBeGreaterThan(4)
  })
})
