/** gs:// URIs (src/plugins/io/gcs/gcs-uri.ts): what weir reads and writes, and names it refuses. */
import { describe, expect, test } from 'vitest'
import { joinObjectName, parseGsUri } from '../../../src/plugins/io/gcs/gcs-uri.ts'

describe('parseGsUri', () => {
  test('splits bucket and object name', () => {
    expect(parseGsUri('gs://lake/weir/p/r1/t/output.json')).toEqual({ bucket: 'lake', name: 'weir/p/r1/t/output.json' })
  })

  test.each(['gs://lake/../x/output.json', 'gs://lake/a//b/output.json', 'gs://lake/./a/output.json', 'gs://lake/a/../../output.json', 'gs://lake/a/'])(
    "refuses %s (an empty, '.' or '..' segment, kept literally by Cloud Storage)",
    (uri) => {
      expect(() => parseGsUri(uri)).toThrow(expect.objectContaining({ code: 'IO_UNSUPPORTED_URI', message: expect.stringContaining("has an empty, '.' or '..' segment") }))
    },
  )

  test('a prefix with outer slashes still joins into a clean name; one with ../ does not, and is refused when used', () => {
    expect(joinObjectName('/weir/', 'p/r1/t')).toBe('weir/p/r1/t')
    expect(() => parseGsUri(`gs://lake/${joinObjectName('../x', 'p/r1/t')}/output.json`)).toThrow(/segment/)
  })
})
