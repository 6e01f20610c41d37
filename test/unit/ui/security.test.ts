// weir ui's request checks, one by one, on hand-made requests (the API tests check them end to end).
import { describe, expect, test } from 'vitest'
import type { IncomingMessage } from 'node:http'
import { checkAccess, checkHost, checkStateChange } from '../../../src/ui/server/security.ts'
import type { SecurityConfig } from '../../../src/ui/server/security.ts'
import { isLoopback } from '../../../src/ui/server/start-server.ts'
import { pathSegments } from '../../../src/ui/server/routes.ts'
import { isInside } from '../../../src/ui/server/contained-file.ts'

const config: SecurityConfig = { allowedHosts: new Set(['127.0.0.1:4170', 'localhost:4170']), csrfToken: 'csrf-token-123' }
const request = (headers: Record<string, string>): IncomingMessage => ({ headers }) as unknown as IncomingMessage
const good = { host: '127.0.0.1:4170', origin: 'http://127.0.0.1:4170', 'content-type': 'application/json', 'x-weir-token': 'csrf-token-123' }

describe('weir ui request checks', () => {
  test('the Host header must name this server (DNS rebinding)', () => {
    expect(checkHost(request({ host: '127.0.0.1:4170' }), config)).toBeUndefined()
    expect(checkHost(request({ host: 'LOCALHOST:4170' }), config)).toBeUndefined()
    expect(checkHost(request({ host: 'evil.example:4170' }), config)).toMatch(/not this server/)
    expect(checkHost(request({ host: '127.0.0.1:9999' }), config)).toBeDefined()
    expect(checkHost(request({}), config)).toBeDefined()
  })

  test('a state change needs this origin, JSON and the per-server token', () => {
    expect(checkStateChange(request(good), config)).toBeUndefined()
    expect(checkStateChange(request({ ...good, origin: 'http://evil.example' }), config)).toMatch(/Cross-site/)
    expect(checkStateChange(request({ ...good, origin: 'null' }), config)).toMatch(/Cross-site/)
    expect(checkStateChange(request({ ...good, origin: 'http://localhost:4170' }), config)).toMatch(/Cross-site/)
    expect(checkStateChange(request({ ...good, 'sec-fetch-site': 'same-site' }), config)).toMatch(/Cross-site/)
    expect(checkStateChange(request({ ...good, 'content-type': 'text/plain' }), config)).toMatch(/application\/json/)
    expect(checkStateChange(request({ ...good, 'content-type': 'application/x-www-form-urlencoded' }), config)).toMatch(/application\/json/)
    expect(checkStateChange(request({ ...good, 'x-weir-token': 'csrf-token-124' }), config)).toMatch(/x-weir-token/)
    const { 'x-weir-token': _token, ...noToken } = good
    expect(checkStateChange(request(noToken), config)).toMatch(/x-weir-token/)
  })

  test('with an access token, every request needs it: in its header, or ?access= (an EventSource), never a cookie', () => {
    const tokened: SecurityConfig = { ...config, accessToken: 'a'.repeat(32) }
    const url = (q = ''): URL => new URL(`http://h/api/runs${q}`)
    expect(checkAccess(request({}), url(), config)).toBeUndefined()
    expect(checkAccess(request({}), url(), tokened)).toMatch(/access token/)
    expect(checkAccess(request({ 'x-weir-access': 'a'.repeat(32) }), url(), tokened)).toBeUndefined()
    expect(checkAccess(request({ 'x-weir-access': 'b'.repeat(32) }), url(), tokened)).toMatch(/access token/)
    expect(checkAccess(request({}), url(`?access=${'a'.repeat(32)}`), tokened)).toBeUndefined()
    // A browser sends the cookies of 127.0.0.1 to every port of it: another user's server would get one.
    expect(checkAccess(request({ cookie: `weir_ui_4170=${'a'.repeat(32)}` }), url(), tokened)).toMatch(/access token/)
    expect(checkAccess(request({}), url(`?token=${'a'.repeat(32)}`), tokened)).toMatch(/access token/)
  })

  test('a request without a token is told where it goes (curl reads the docs from this); the page, which always sends one, to open the printed URL', () => {
    const tokened: SecurityConfig = { ...config, accessToken: 'a'.repeat(32) }
    const url = (q = ''): URL => new URL(`http://h/api/runs${q}`)
    for (const bare of [checkAccess(request({}), url(), tokened), checkAccess(request({}), url(`?token=${'a'.repeat(32)}`), tokened)]) {
      expect(bare).toMatch(/in an X-Weir-Access header, or as \?access=TOKEN; \?token= only opens the page/)
    }
    // The page kept across a restart: an old token in the header (or an empty one), or ?access= of its event stream.
    for (const stale of [checkAccess(request({ 'x-weir-access': 'b'.repeat(32) }), url(), tokened), checkAccess(request({ 'x-weir-access': '' }), url(), tokened), checkAccess(request({}), url(`?access=${'b'.repeat(32)}`), tokened)]) {
      expect(stale).toBe('This server needs its access token: open the URL with ?token= that weir ui printed (the token is new at each start).')
    }
  })

  test('a token does not relax the Host check on loopback; bound beyond it, any Host passes', () => {
    const tokened: SecurityConfig = { ...config, accessToken: 'a'.repeat(32) }
    expect(checkHost(request({ host: 'evil.example:4170' }), tokened)).toMatch(/not this server/)
    expect(checkStateChange(request({ ...good, origin: 'http://evil.example:4170', host: 'evil.example:4170' }), tokened)).toMatch(/Cross-site/)
    const remote: SecurityConfig = { ...tokened, anyHost: true }
    expect(checkHost(request({ host: 'pipelines.internal:4170' }), remote)).toBeUndefined()
    expect(checkStateChange(request({ ...good, origin: 'http://pipelines.internal:4170', host: 'pipelines.internal:4170' }), remote)).toBeUndefined()
  })

  test('loopback addresses, path segments and containment', () => {
    expect(['127.0.0.1', 'localhost', '::1', '127.0.0.2'].every(isLoopback)).toBe(true)
    expect(['0.0.0.0', '192.168.1.2', '::'].some(isLoopback)).toBe(false)
    // A host name is resolved when the server binds it: '127.x.example' may name any address, so only an IPv4 literal 127.* counts.
    expect(['127.evil.example', '127.0.0.1.nip.io', '127.'].some(isLoopback)).toBe(false)
    expect(pathSegments('/api/runs/..%2F..%2Fetc/tasks')).toEqual(['api', 'runs', '../../etc', 'tasks'])
    expect(() => pathSegments('/api/runs/%E0%A4%A')).toThrow(/percent-encoding/)
    expect(isInside('/a/store/runs/x', '/a/store')).toBe(true)
    expect(isInside('/a/store-other/x', '/a/store')).toBe(false)
    expect(isInside('/a/store', '/a/store')).toBe(true)
  })
})
