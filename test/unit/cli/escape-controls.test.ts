/** Text from a spec or a handler shown on a terminal: controls and invisible characters as escapes. */
import { describe, expect, test } from 'vitest'
import { escapeControls } from '../../../src/cli/escape-controls.ts'

describe('escapeControls', () => {
  test('controls, ESC sequences and bidi overrides are escapes', () => {
    expect(escapeControls('a\u001b[2Kb\rc\u202ed\n')).toBe('a\\u001b[2Kb\\rc\\u202ed\\n')
  })

  test.each([
    ['a zero-width space', '\u200b'],
    ['a zero-width non-joiner', '\u200c'],
    ['a zero-width joiner', '\u200d'],
    ['a left-to-right mark', '\u200e'],
    ['a right-to-left mark', '\u200f'],
    ['a word joiner', '\u2060'],
    ['a byte order mark', '\ufeff'],
    ['a line separator', '\u2028'],
    ['a paragraph separator', '\u2029'],
    ['a soft hyphen', '\u00ad'],
  ])('%s is an escape, so two names that look alike do not (probe finding)', (_what, c) => {
    expect(escapeControls(`'a${c}b' is not a valid name`)).toBe(`'a\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}b' is not a valid name`)
  })

  test('joiners inside emoji sequences and scripts that need them are kept', () => {
    expect(escapeControls('family 👨\u200d👩\u200d👧, می\u200cخواهم')).toBe('family 👨\u200d👩\u200d👧, می\u200cخواهم')
  })

  test('characters in keep are left to the caller', () => {
    expect(escapeControls('a\r\nb', '\r\n')).toBe('a\r\nb')
  })
})
