import { describe, expect, test } from 'vitest'
import { toErrorInfo } from '../../../src/runtime/errors.ts'

const withCode = (code: unknown): Error => Object.assign(new Error('failed'), { code })

describe('toErrorInfo', () => {
  test("keeps an error's own code when it is a token", () => {
    for (const code of ['ENOENT', 'ERR_SOCKET_CLOSED', '23505', 'auth/invalid-email', 'ThrottlingException', 'grpc.14', 'a:b-c'])
      expect(toErrorInfo(withCode(code), 'user', 'HANDLER_ERROR').code).toBe(code)
  })

  test('gives the fallback code for any other code: text a handler set there is never shown bare as a code', () => {
    for (const code of ['', 'auth failed for tok', 'X\n✓ other succeeded in 1ms\n\u001b[2J', 'a\u0000b', '-x', 'x'.repeat(101), 401, { a: 1 }])
      expect(toErrorInfo(withCode(code), 'user', 'HANDLER_ERROR')).toMatchObject({ code: 'HANDLER_ERROR', message: 'failed' })
  })
})
