import { describe, expect, test } from 'vitest'
import { isErrorObject, propertyOf, stringPropertyOf, thrownLine, thrownText } from '../../../src/spec/thrown-value.ts'

/** What handlers can throw whose reading throws (each reproduced by an outside probe). */
const hostileThrown = (): Record<string, unknown> => {
  const stackThrows = new Error('x')
  Object.defineProperty(stackThrows, 'stack', { get: () => { throw new Error('stack boom') } })
  return {
    codeGetter: { get code() { throw new Error('code boom') } },
    stackGetter: stackThrows,
    proxy: new Proxy({}, { get() { throw new Error('proxy boom') } }),
    prototypeTrap: new Proxy({}, { getPrototypeOf() { throw new Error('proto boom') }, get() { throw new Error('proxy boom') } }),
    revoked: (() => { const { proxy, revoke } = Proxy.revocable({}, {}); revoke(); return proxy })(),
  }
}

describe('reading a thrown value never throws', () => {
  test.each(Object.entries(hostileThrown()))('%s', (_name, value) => {
    for (const key of ['code', 'message', 'stack', 'cause', 'errors', 'name']) expect(() => propertyOf(value, key)).not.toThrow()
    expect(() => isErrorObject(value)).not.toThrow()
    expect(typeof thrownText(value)).toBe('string')
    expect(typeof thrownLine(value)).toBe('string')
  })

  test('a property that cannot be read counts as absent; one that can is read', () => {
    const { codeGetter, stackGetter, proxy } = hostileThrown()
    expect(propertyOf(codeGetter, 'code')).toBeUndefined()
    expect(stringPropertyOf(stackGetter, 'stack')).toBeUndefined()
    expect(stringPropertyOf(stackGetter, 'message')).toBe('x')
    expect(propertyOf(proxy, 'code')).toBeUndefined()
    expect(propertyOf(Object.assign(new Error('m'), { code: 'E1' }), 'code')).toBe('E1')
    expect(propertyOf('text', 'length')).toBeUndefined()
    expect(propertyOf(null, 'code')).toBeUndefined()
  })

  test('text: an Error its message, a string itself, other values as JSON, and what cannot be read says so', () => {
    expect(thrownText(new Error('boom'))).toBe('boom')
    expect(thrownText('plain')).toBe('plain')
    expect(thrownText({ a: 1 })).toBe('{"a":1}')
    expect(thrownText(42)).toBe('42')
    expect(thrownText(hostileThrown().proxy)).toBe('an object that cannot be read (reading it threw)')
    expect(thrownLine(new TypeError('bad'))).toBe('TypeError: bad')
    expect(thrownLine(hostileThrown().stackGetter)).toBe('Error: x')
  })
})
