/** Secret values are masked in the text shown under diagnostics, every line and column kept. */
import { describe, expect, test } from 'vitest'
import { maskSecretValues } from '../../../src/spec/secret-spans.ts'

describe('maskSecretValues', () => {
  test("a secret param's default (flow and block style) and the schedule's value of it are masked; other values are not", () => {
    const text = [
      'apiVersion: weir/v1',
      'kind: Pipeline',
      'name: p',
      'params:',
      '  token: { type: string, writeOnly: true, default: hunter2 }',
      '  password:',
      '    type: string',
      '    writeOnly: true',
      '    default: "s3cr3t"',
      '  region: { type: string, default: eu-west }',
      'schedule:',
      '  cron: "0 3 * * *"',
      '  params: { token: sched-secret, region: us }',
      'tasks: {}',
      '',
    ].join('\n')
    const masked = maskSecretValues(text)
    expect(masked).not.toMatch(/hunter2|s3cr3t|sched-secret/)
    expect(masked).toContain('default: *******')
    expect(masked).toContain('default: ********') // the quotes too
    expect(masked).toContain('eu-west')
    expect(masked).toContain('region: us')
    expect(masked.length).toBe(text.length)
    expect(masked.split('\n').map((l) => l.length)).toEqual(text.split('\n').map((l) => l.length))
  })

  test('a default whose type has a secret part ($ref into types) is masked whole; a multi-line one keeps its line breaks', () => {
    const text = 'types:\n  Creds: { type: object, properties: { password: { type: string, writeOnly: true } } }\nparams:\n  creds:\n    $ref: "#/types/Creds"\n    default:\n      user: u\n      password: pw\ntasks: {}\n'
    const masked = maskSecretValues(text)
    expect(masked).not.toMatch(/user: u|password: pw/)
    expect(masked.split('\n').length).toBe(text.split('\n').length)
    expect(masked.length).toBe(text.length)
  })

  test("a secret's examples and const are values of it too, and are masked", () => {
    const text = 'params:\n  token: { type: string, writeOnly: true, examples: [ex-secret-1, ex-secret-2] }\n  pin: { type: string, writeOnly: true, const: "0042" }\n  region: { type: string, examples: [eu] }\ntasks: {}\n'
    const masked = maskSecretValues(text)
    expect(masked).not.toMatch(/ex-secret|0042/)
    expect(masked).toContain('examples: [eu]')
    expect(masked.length).toBe(text.length)
  })

  test('a key written twice has both values masked, and a writeOnly part has its own default masked at any depth', () => {
    const text = [
      'types:',
      '  Login: { type: object, properties: { password: { type: string, writeOnly: true, default: TYPESECRET1 } } }',
      'params:',
      '  tok: { type: string, writeOnly: true, default: "DUPSECRET5", default: "DUPSECRET6" }',
      '  nested:',
      '    type: object',
      '    properties:',
      '      pw: { type: string, writeOnly: true, default: NESTEDSECRET3 }',
      '      user: { type: string, default: visible }',
      'schedule: { cron: "0 3 * * *", params: { tok: SCHEDSECRET7, tok: SCHEDSECRET8 } }',
      'tasks: {}',
      '',
    ].join('\n')
    const masked = maskSecretValues(text)
    expect(masked).not.toMatch(/SECRET/)
    expect(masked).toContain('default: visible')
    expect(masked.length).toBe(text.length)
  })

  test('JSON specs and CRLF line endings are masked alike', () => {
    const json = '{\r\n  "params": {\r\n    "token": { "type": "string", "writeOnly": true, "default": "hunter2" }\r\n  },\r\n  "tasks": {}\r\n}\r\n'
    const masked = maskSecretValues(json)
    expect(masked).not.toContain('hunter2')
    expect(masked).toContain('"default": *********')
    expect(masked.split('\r\n').length).toBe(json.split('\r\n').length)
  })

  test('text without a secret, or that is not a spec, comes back unchanged', () => {
    const plain = 'params:\n  region: { type: string, default: eu }\n'
    expect(maskSecretValues(plain)).toBe(plain)
    const broken = 'params: [writeOnly\n  : : {'
    expect(maskSecretValues(broken)).toBe(broken)
  })
})
