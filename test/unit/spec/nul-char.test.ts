/**
 * A NUL character (U+0000) can never reach a task of `--executor subprocess` or an engine: param
 * values travel on command lines, which cannot carry one. A spec's default or schedule param holding
 * one, and an IoManager setting (no folder can be named so), are errors at their line and column.
 */
import { describe, expect, test } from 'vitest'
import { validateSpec } from '../../../src/spec/validate.ts'
import { findNul } from '../../../src/spec/nul-char.ts'
import { builtinCatalog } from '../../../src/plugins/catalog.ts'

describe('findNul', () => {
  test('the pointer of the first string holding U+0000, or of the object with such a key', () => {
    expect(findNul('a\0b')).toBe('')
    expect(findNul({ a: ['x', 'y\0'] })).toBe('/a/1')
    expect(findNul({ a: { 'k\0ey': 1 } })).toBe('/a')
    expect(findNul({ 'a/b': 'c\0' })).toBe('/a~1b')
    expect(findNul({ a: ['x', 1, null, true] })).toBeUndefined()
    expect(findNul('')).toBeUndefined()
  })
})

describe('spec validate', () => {
  test('refuses a default, a schedule param and an fs root holding U+0000, at file:line:col, never quoting a secret', async () => {
    const spec = `apiVersion: weir/v1
kind: Pipeline
name: n
io:
  files: { type: fs, root: "out\\0dir" }
params:
  p: { type: string, default: "a\\0b" }
  tok: { type: string, writeOnly: true, default: "NULSECRETab\\0cd" }
  list: { type: array, items: { type: string }, default: [ok, "x\\0"] }
  q: { type: string, default: ok }
schedule:
  cron: "0 3 * * *"
  params: { q: "s\\0" }
tasks:
  a:
    handler: ./h.js#h
    io: files
    inputs: { p: "\${{ params.p }}", t: "\${{ params.tok }}", l: "\${{ params.list }}", q: "\${{ params.q }}" }
`
    const { diagnostics } = await validateSpec(spec, { path: 'n.yaml', plugins: builtinCatalog(), checkHandlers: false })
    const found = diagnostics.filter((d) => d.message.includes('NUL')).map((d) => `${d.code} ${d.pointer} ${d.line}:${d.column}`)
    expect(found.sort()).toEqual([
      'INVALID_DEFAULT /params/list/default/1 9:63',
      'INVALID_DEFAULT /params/p/default 7:31',
      'INVALID_DEFAULT /params/tok/default 8:50',
      'INVALID_VALUE /schedule/params/q 13:16',
      'IO_CONFIG /io/files/root 5:28',
    ])
    expect(diagnostics.map((d) => d.message).join('\n')).not.toContain('NULSECRET')
    expect(diagnostics.find((d) => d.pointer === '/params/p/default')!.message).toBe(
      "The default of param 'p' holds a NUL character (U+0000); param values travel on command lines (weir execute --param, with --executor subprocess and on the engines), which cannot carry one, so remove it.",
    )
  })
})
