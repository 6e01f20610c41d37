import { describe, expect, test } from 'vitest'
import { maskedError, maskerOf, maskedLogger, secretMasker } from '../../../src/runtime/secret-masker.ts'
import { pipelineFromYaml } from './helpers.ts'

describe('maskerOf', () => {
  test('masks every occurrence, a longer secret before one it contains, and JSON-escaped forms', () => {
    const mask = maskerOf(['abcd', 'abcdef', 'say "hi"'])!
    expect(mask('abcdef abcd xabcdx')).toBe('[redacted] [redacted] x[redacted]x')
    expect(mask(JSON.stringify({ m: 'say "hi"' }))).toBe('{"m":"[redacted]"}')
    expect(mask('a.b*c')).toBe('a.b*c') // no regular expression characters taken as such
    // As a client puts it into a URL.
    expect(maskerOf(['Sup3r/S3cr3t+x=='])!(`https://api/?key=${encodeURIComponent('Sup3r/S3cr3t+x==')}`)).toBe('https://api/?key=[redacted]')
  })

  test('leaves texts shorter than 4 characters alone, and has nothing to do without a secret', () => {
    expect(maskerOf(['abc', '1'])).toBeUndefined()
    expect(maskerOf([])).toBeUndefined()
    expect(maskerOf(['a.b*'])!('xa.b*y a-b-')).toBe('x[redacted]y a-b-')
  })
})

describe('secretMasker', () => {
  test('takes the secret parts of params only: strings and numbers', async () => {
    const pipeline = await pipelineFromYaml(
      'apiVersion: weir/v1\nkind: Pipeline\nname: p\nparams:\n  token: { type: string, writeOnly: true }\n  pin: { type: integer, writeOnly: true }\n  login: { type: object, properties: { user: { type: string }, password: { type: string, writeOnly: true } } }\n  region: { type: string }\ntasks:\n  a: { handler: ./h.js#h }\n',
    )
    const mask = secretMasker(pipeline, { token: 'tok-123456', pin: 48213, login: { user: 'svc-user', password: 'p4ssw0rd' }, region: 'eu-west-1' })!
    expect(mask('tok-123456 48213 svc-user p4ssw0rd eu-west-1')).toBe('[redacted] [redacted] svc-user [redacted] eu-west-1')
    expect(secretMasker(pipeline, { region: 'eu-west-1' })).toBeUndefined()
  })

  test('a masked logger masks messages and fields', () => {
    const lines: unknown[] = []
    const log = maskedLogger({ debug: () => {}, info: (m, f) => lines.push([m, f]), warn: () => {}, error: () => {} }, maskerOf(['s3cr3t'])!)
    log.info('got s3cr3t', { token: 's3cr3t', n: 1 })
    log.info('plain')
    expect(lines).toEqual([['got [redacted]', { token: '[redacted]', n: 1 }], ['plain', undefined]])
  })
})

describe('maskedError', () => {
  test('masks the code as well as the message and stack: a handler may set a secret as its code', () => {
    const error = maskedError({ code: 'S3CRETvalue', message: 'auth failed for S3CRETvalue', stack: 'Error: S3CRETvalue\n    at x', origin: 'user', recoverable: true }, maskerOf(['S3CRETvalue'])!)
    expect(error).toEqual({ code: '[redacted]', message: 'auth failed for [redacted]', stack: 'Error: [redacted]\n    at x', origin: 'user', recoverable: true })
  })
})

describe('maskerOf: a secret as a URL encodes it', () => {
  const url = (build: (u: URL) => void): string => {
    const u = new URL('https://api.example/v1')
    build(u)
    return `GET ${u.href} -> 401`
  }

  test.each(['my token!', "it's~(x)*", 'p@ss/w:rd#1?&=+;,$', 'naïve€ 𝄞 tok', 'back\\slash "q" 100%', 'a`{b}|c^[d]<e>'])('masks %j in a query, a form, a path, a password and a hash', (secret) => {
    const mask = maskerOf([secret])!
    const texts = [
      url((u) => u.searchParams.set('key', secret)),
      url((u) => (u.search = `?key=${secret}`)),
      url((u) => (u.pathname = `/v1/keys/${secret}/x`)),
      url((u) => (u.password = secret)),
      url((u) => (u.hash = secret)),
      `https://api.example/v1?key=${encodeURIComponent(secret)}`,
      `https://api.example/v1/${encodeURI(secret)}`,
      new URLSearchParams({ key: secret }).toString(),
      // RFC 3986 strict, as AWS signatures and Python's quote() write it.
      encodeURIComponent(secret).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`),
      // Go's QueryEscape and Python's quote_plus: a space as +, ~ as it is.
      encodeURIComponent(secret).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`).replace(/%20/g, '+').replace(/%7E/g, '~'),
      // Lower-case hex digits, as some clients write them.
      encodeURIComponent(secret).replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase()),
      JSON.stringify({ key: secret }),
    ]
    for (const text of texts) {
      const masked = mask(text)
      expect(masked, text).toContain('[redacted]')
      expect(masked, text).not.toContain(secret)
      expect(masked, text).not.toMatch(/tok|w:rd|naïve|slash|x\)|\(x|\{b|token|it's|it%27s/)
    }
  })

  test('the probe: URLSearchParams writes a space as + and encodes ! \' ( ) ~', () => {
    expect(maskerOf(['my token!'])!(url((u) => u.searchParams.set('key', 'my token!')))).toBe('GET https://api.example/v1?key=[redacted] -> 401')
    expect(maskerOf(["it's~(x)*"])!(url((u) => u.searchParams.set('key', "it's~(x)*")))).toBe('GET https://api.example/v1?key=[redacted] -> 401')
  })

  test('a lone surrogate and control characters, as JSON.stringify escapes them', () => {
    const mask = maskerOf(['ab\ud800cd', 'x\u001by\nz'])!
    expect(mask(JSON.stringify(['ab\ud800cd', 'x\u001by\nz']))).toBe('["[redacted]","[redacted]"]')
    expect(mask('x\\u001by\\nz')).toBe('[redacted]')
  })
})
