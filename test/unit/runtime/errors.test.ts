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

describe('toErrorInfo of a value whose properties throw when read', () => {
  const stackThrows = new Error('x')
  Object.defineProperty(stackThrows, 'stack', { get: () => { throw new Error('stack boom') } })
  test.each([
    { name: 'a code getter that throws', value: { get code() { throw new Error('code boom') } }, message: '[object Object]' },
    { name: 'a stack getter that throws', value: stackThrows, message: 'x' },
    { name: 'a Proxy whose every read throws', value: new Proxy({}, { get() { throw new Error('proxy boom') } }), message: 'an object that cannot be read (reading it threw)' },
  ])('$name: the fallback code, no stack, and a message', ({ value, message }) => {
    const info = toErrorInfo(value, 'user', 'HANDLER_ERROR')
    expect(info).toEqual({ code: 'HANDLER_ERROR', message, origin: 'user', recoverable: true })
  })
})
