/** Decoding a spec's bytes: ASCII takes a shortcut, everything else the strict UTF-8 decoder; the text is the same either way. */
import { describe, expect, test } from 'vitest'
import { decodeSpecBytes } from '../../../src/spec/spec-bytes.ts'

const bytes = (text: string) => new TextEncoder().encode(text)

describe('decodeSpecBytes', () => {
  test.each([
    ['ASCII', 'name: a\ntasks: {}\n'],
    ['empty', ''],
    ['UTF-8 beyond ASCII', 'description: café ✓ 😀\n'],
  ])('%s decodes to the text that was written', (_what, text) => {
    expect(decodeSpecBytes(bytes(text))).toEqual({ ok: true, text })
  })

  test('a byte order mark is dropped', () => {
    expect(decodeSpecBytes(new Uint8Array([0xef, 0xbb, 0xbf, ...bytes('a: 1\n')]))).toEqual({ ok: true, text: 'a: 1\n' })
  })

  test('ASCII inside a larger buffer is read from its own offset', () => {
    const whole = bytes('xxxxa: 1\nyyyy')
    expect(decodeSpecBytes(whole.subarray(4, 9))).toEqual({ ok: true, text: 'a: 1\n' })
  })

  test('a Latin-1 byte is reported, not replaced', () => {
    expect(decodeSpecBytes(new Uint8Array([...bytes('a: caf'), 0xe9, 0x0a]))).toMatchObject({ ok: false, code: 'INVALID_ENCODING', line: 1, column: 7 })
  })
})
