// IoError is a WeirError with IoManager codes, not a second copy of it (issue 14).
import { expect, test } from 'vitest'
import { IoError } from '../../../src/plugins/io/io-error.ts'
import { WeirError } from '../../../src/spec/weir-error.ts'

test('an IoError is a WeirError that keeps its code, details and cause', () => {
  const cause = new Error('disk full')
  const error = new IoError('IO_WRITE_FAILED', 'Writing failed.', { cause, details: { uri: 'file:///x' } })
  expect(error).toBeInstanceOf(WeirError)
  expect(error).toMatchObject({ name: 'IoError', code: 'IO_WRITE_FAILED', message: 'Writing failed.', details: { uri: 'file:///x' } })
  expect(error.cause).toBe(cause)
})

test('an IoError without options has no cause and no details', () => {
  const error = new IoError('OUTPUT_NOT_FOUND', 'Output is missing.')
  expect('cause' in error).toBe(false)
  expect(error.details).toBeUndefined()
})
