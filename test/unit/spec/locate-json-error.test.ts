import { describe, expect, test } from 'vitest'
import { locateJsonError } from '../../../src/spec/locate-json-error.ts'

describe('locateJsonError', () => {
  test.each([
    ['{"a": 1}', undefined],
    ['root:x:0:0:root', { line: 1, column: 1 }],
    ['{"outputs": {"make": SECRET}}', { line: 1, column: 22 }],
    ['[1, r]', { line: 1, column: 5 }],
    ['{\n  "a": 1,\n  "b": x\n}', { line: 3, column: 8 }],
    ['{"a": 1,}', { line: 1, column: 9 }],
    ['{"a": 1} x', { line: 1, column: 10 }],
    ['', { line: 1, column: 1 }],
    ['{"a": ', { line: 1, column: 7 }],
  ])('%j', (text, at) => {
    expect(locateJsonError(text)).toEqual(at)
  })
})
