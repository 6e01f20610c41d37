/**
 * Schema patterns that backtrack without end (`^(a+)+$` on `aaaa…!`, time doubling per `a`) end in
 * a message, wherever a pattern is tested: spec validation (weir's checker and Ajv's, including
 * `patternProperties` and `propertyNames`), the runtime's checks of params, outputs and values, and
 * the redaction of secrets. The values here would each take hours to test to the end.
 */
import { describe, expect, test } from 'vitest'
import { compilePattern, longestDirectTextForTest, pathOfText, PatternTooSlowError } from '../../../src/spec/safe-pattern.ts'
import { checkAgainstSchema } from '../../../src/spec/json-schema.ts'
import { compileCheck } from '../../../src/runtime/compile-check.ts'
import { redactSecrets, REDACTED } from '../../../src/runtime/redact-secrets.ts'
import { validateSpec } from '../../../src/spec/validate.ts'
import type { JsonSchema, Pipeline } from '../../../src/spec/model.ts'
import { testCatalog } from './support.ts'

const SLOW = '^(a+)+$'
const HOURS = `${'a'.repeat(48)}!`
const pipeline = { types: {} } as unknown as Pipeline

describe('the helper', () => {
  test('a catastrophic test ends with PatternTooSlowError naming the pattern', () => {
    const error = (() => {
      try {
        compilePattern(SLOW).test(HOURS)
      } catch (e) {
        return e
      }
    })()
    expect(error).toBeInstanceOf(PatternTooSlowError)
    expect(error).toMatchObject({ pattern: SLOW, text: HOURS })
    expect(JSON.stringify(error)).not.toContain(HOURS) // the text may be a secret
  })

  test('answers as RegExp does, directly or under the timeout', () => {
    for (const [source, text] of [
      [SLOW, 'aaaa'],
      [SLOW, 'aaab'],
      ['^[a-z0-9]+(?:-[a-z0-9]+)*$', 'my-slug-2'],
      ['^[a-z0-9]+(?:-[a-z0-9]+)*$', `${'my-slug-'.repeat(20)}x`],
      ['(a)\\1', 'xaa'],
      ['\\p{L}+$', 'ümlaut'],
      ['a+b', 'a'.repeat(5000)],
    ] as const)
      expect(compilePattern(source).test(text), `${source} ← ${text}`).toBe(new RegExp(source, 'u').test(text))
  })

  test('a pattern that cannot backtrack much is tested directly on the texts of ordinary values', () => {
    // One repeat: quadratic at worst (a start at each position), so a few thousand characters.
    expect(longestDirectTextForTest('^[a-z]+$')).toBeGreaterThan(1000)
    // A repeated group after a separator it cannot match splits a text one way only.
    expect(longestDirectTextForTest('^[a-z0-9]+(?:-[a-z0-9]+)*$')).toBeGreaterThan(40)
    expect(longestDirectTextForTest('^\\d+(\\.\\d+)*$')).toBeGreaterThan(40)
    expect(longestDirectTextForTest('^abc$')).toBeGreaterThan(1e6)
  })

  test('nested repeats, alternatives in a repeat and back-references are tested under the timeout', () => {
    for (const source of [SLOW, '^(\\w+\\s?)*$', '^(a|ab)*$', '^(?:[a-z]|-)+$', '^(-a*a*)*$'])
      expect(longestDirectTextForTest(source), source).toBeLessThan(16)
    expect(longestDirectTextForTest('(a)\\1')).toBe(-1)
    expect(longestDirectTextForTest('(?<x>a)\\k<x>')).toBe(-1)
  })

  test('Ajv keeps one compiled pattern per pattern (its cache key is toString)', () => {
    expect(String(compilePattern('^a$'))).not.toBe(String(compilePattern('^b$')))
  })

  test('pathOfText finds a string or a key', () => {
    expect(pathOfText({ a: [1, { b: 'x' }] }, 'x')).toEqual(['a', '1', 'b'])
    expect(pathOfText({ a: { key: 1 } }, 'key')).toEqual(['a', 'key'])
    expect(pathOfText({ a: 1 }, 'x')).toBeUndefined()
  })
})

describe('spec validation', () => {
  const validate = async (text: string) =>
    (await validateSpec(text, { path: '/nowhere/spec.yaml', plugins: testCatalog, checkHandlers: false })).diagnostics.map((d) => [d.code, d.pointer, d.line, d.column, d.message])

  test("a param's default: a diagnostic at the default that names the pattern", async () => {
    const spec = `apiVersion: weir/v1\nkind: Pipeline\nname: p\nparams:\n  p: { type: string, pattern: "${SLOW}", default: "${HOURS}" }\ntasks:\n  t: { handler: ./h.ts, inputs: { p: "\${{ params.p }}" } }\n`
    expect(await validate(spec)).toEqual([
      ['INVALID_DEFAULT', '/params/p/default', 5, 51, expect.stringMatching(/^The default of param 'p' could not be checked: its pattern '\^\(a\+\)\+\$' took longer than 250 ms on this value; simplify the pattern/)],
    ])
  })

  test('a secret param says the same (the message shows no value)', async () => {
    const spec = `apiVersion: weir/v1\nkind: Pipeline\nname: p\nparams:\n  p: { type: string, writeOnly: true, pattern: "${SLOW}", default: "${HOURS}" }\ntasks:\n  t: { handler: ./h.ts, inputs: { p: "\${{ params.p }}" } }\n`
    const diagnostics = await validate(spec)
    expect(diagnostics).toEqual([['INVALID_DEFAULT', '/params/p/default', 5, 68, expect.stringMatching(/^The default of param 'p' could not be checked: its pattern/)]])
    expect(JSON.stringify(diagnostics)).not.toContain(HOURS)
  })

  test('through a shared type and Ajv: the diagnostic points at the string inside the default', async () => {
    const spec = `apiVersion: weir/v1\nkind: Pipeline\nname: p\ntypes:\n  Name: { type: string, pattern: "${SLOW}" }\nparams:\n  p:\n    type: object\n    properties: { n: { $ref: "#/types/Name" } }\n    default: { n: "${HOURS}" }\ntasks:\n  t: { handler: ./h.ts, inputs: { p: "\${{ params.p }}" } }\n`
    expect(await validate(spec)).toEqual([['INVALID_DEFAULT', '/params/p/default/n', 10, 19, expect.stringMatching(/^'n' in the default of param 'p' could not be checked: its pattern/)]])
  })

  test('patternProperties and propertyNames (Ajv): the problem points at the key', async () => {
    const byPattern = await checkAgainstSchema({ ok: 1, [HOURS]: 2 }, { type: 'object', patternProperties: { [SLOW]: { type: 'number' } } })
    expect(byPattern).toEqual([{ pointer: `/${HOURS}`, subject: HOURS, text: expect.stringContaining(`its pattern '${SLOW}' took longer than 250 ms`), quotesNoValue: true }])
    const byName = await checkAgainstSchema({ [HOURS]: 2 }, { type: 'object', propertyNames: { pattern: SLOW } })
    expect(byName).toEqual([{ pointer: `/${HOURS}`, subject: HOURS, text: expect.stringContaining('could not be checked'), quotesNoValue: true }])
  })
})

describe('runtime checks of params, outputs and values', () => {
  test('plain and Ajv-checked schemas both give a message naming the field', async () => {
    const plain = await compileCheck(pipeline, { type: 'object', properties: { name: { type: 'string', pattern: SLOW } } })
    const viaAjv = await compileCheck(pipeline, { type: 'object', properties: { name: { type: 'string', pattern: SLOW } }, allOf: [true] })
    for (const check of [plain, viaAjv]) {
      expect(check({ name: HOURS })).toEqual([expect.stringMatching(/^'name' could not be checked: pattern "\^\(a\+\)\+\$" took longer than 250 ms on it; simplify the pattern/)])
      expect(check({ name: 'aaa' })).toEqual([])
      expect(check({ name: 'b' })).toEqual([`'name' must match pattern "${SLOW}"`])
    }
  })
})

describe('a value with many strings the pattern is too slow on', () => {
  // Each would cost the whole budget: the check stops at the first, as Ajv's does.
  const list = { type: 'array', items: { type: 'string', pattern: SLOW } } as const
  const strings = Array.from({ length: 5 }, (_, i) => `${'a'.repeat(48 + i)}!`)

  test('spec validation reports the first and stops', async () => {
    expect(await checkAgainstSchema(strings, list)).toEqual([{ pointer: '/0', subject: '0', text: expect.stringContaining('could not be checked'), quotesNoValue: true }])
  })

  test('the runtime check reports the first and stops', async () => {
    const check = await compileCheck(pipeline, list)
    expect(check(strings)).toEqual([expect.stringMatching(/^'\[0\]' could not be checked/)])
  })
})

describe('redaction of secrets', () => {
  test('a key the pattern is too slow on is taken to match: the secret is redacted', () => {
    const schema: JsonSchema = { type: 'object', patternProperties: { [SLOW]: { writeOnly: true } } }
    expect(redactSecrets(schema, { [HOURS]: 'hunter2', b: 'shown' }, {})).toEqual({ [HOURS]: REDACTED, b: 'shown' })
  })
})
