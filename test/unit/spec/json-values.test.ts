/** A spec's values must be JSON (src/spec/json-values.ts): what YAML can write beyond it is found, with its path. */
import { describe, expect, test } from 'vitest'
import { findNonJsonValues } from '../../../src/spec/json-values.ts'
import { validateSpec } from '../../../src/spec/validate.ts'

describe('findNonJsonValues', () => {
  test('finds each kind, with its pointer and what to write instead', () => {
    const data = { tasks: { a: { inputs: { inf: Infinity, ninf: -Infinity, nan: NaN, big: 10n, day: new Date(0), bytes: new Uint8Array(2), set: new Set(['a']), map: new Map([[1, 2]]), 'a/b': [1, { deep: NaN }] } } } }
    const found = findNonJsonValues(data)
    expect(found.map((f) => f.pointer)).toEqual([
      '/tasks/a/inputs/inf', '/tasks/a/inputs/ninf', '/tasks/a/inputs/nan', '/tasks/a/inputs/big', '/tasks/a/inputs/day',
      '/tasks/a/inputs/bytes', '/tasks/a/inputs/set', '/tasks/a/inputs/map', '/tasks/a/inputs/a~1b/1/deep',
    ])
    expect(found.map((f) => f.message.replace(/^'[^']*' is /, '').split(',')[0])).toEqual([
      '.inf', '-.inf', '.nan', 'an integer too large for JSON; write it as a string.', "a timestamp (YAML's !!timestamp)",
      "binary data (YAML's !!binary)", "a set (YAML's !!set)", "an ordered map (YAML's !!omap", '.nan',
    ])
    expect(found.filter((f) => f.nonFinite)).toHaveLength(4)
  })

  test('JSON data has none; the search stops at the limit', () => {
    expect(findNonJsonValues({ a: [1, 'x', null, true, { b: Object.create(null) as object }], c: -0, d: 1e308 })).toEqual([])
    expect(findNonJsonValues(Array.from({ length: 50 }, () => NaN), 3)).toHaveLength(3)
  })

  test('a spec whose inputs differ only in a non-JSON value (one cache key before) is refused, in both parsers', async () => {
    for (const text of [
      'apiVersion: weir/v1\nkind: Pipeline\nname: p\ntasks:\n  a:\n    handler: ./h.ts#a\n    inputs:\n      x: -.inf\n',
      'apiVersion: weir/v1\nkind: Pipeline\nname: p\ntasks:\n  a: { handler: ./h.ts#a, inputs: { x: !!set { b } } }\n',
    ]) {
      const result = await validateSpec(text, { path: '/nowhere/p.yaml', checkHandlers: false })
      expect(result.pipeline).toBeUndefined()
      expect(result.diagnostics.map((d) => d.code)).toEqual(['NOT_JSON'])
    }
  })

  test('a number too large to represent is named as written, not as .inf (probe finding), in YAML and in JSON', async () => {
    const yaml = 'apiVersion: weir/v1\nkind: Pipeline\nname: p\ntasks:\n  a: { handler: ./h.ts#a, inputs: { x: 1e400, y: -1E400, z: .inf, w: -.Inf } }\n'
    const json = JSON.stringify({ apiVersion: 'weir/v1', kind: 'Pipeline', name: 'p', tasks: { a: { handler: './h.ts#a', inputs: { x: 1 } } } }).replace('"x":1', '"x":1e400')
    const messages = async (text: string, path: string) => (await validateSpec(text, { path, checkHandlers: false })).diagnostics.map((d) => [d.code, d.message])
    expect(await messages(yaml, '/nowhere/p.yaml')).toEqual([
      ['NOT_JSON', "'tasks.a.inputs.x' is 1e400, a number too large to represent (it is not finite), which JSON cannot hold; write a smaller number, or a string."],
      ['NOT_JSON', "'tasks.a.inputs.y' is -1E400, a number too large to represent (it is not finite), which JSON cannot hold; write a smaller number, or a string."],
      ['NOT_JSON', "'tasks.a.inputs.z' is .inf, a number JSON cannot hold; write a finite number, null or a string."],
      ['NOT_JSON', "'tasks.a.inputs.w' is -.inf, a number JSON cannot hold; write a finite number, null or a string."],
    ])
    expect(await messages(json, '/nowhere/p.json')).toEqual([
      ['NOT_JSON', "'tasks.a.inputs.x' is 1e400, a number too large to represent (it is not finite), which JSON cannot hold; write a smaller number, or a string."],
    ])
  })

  test("an ordered map is named as one (probe finding: 'a mapping whose keys are not all strings')", async () => {
    const { diagnostics } = await validateSpec('apiVersion: weir/v1\nkind: Pipeline\nname: p\ntasks:\n  a: { handler: ./h.ts#a, inputs: { x: !!omap [ { a: 1 } ] } }\n', { path: '/nowhere/p.yaml', checkHandlers: false })
    expect(diagnostics).toMatchObject([
      { code: 'NOT_JSON', line: 5, column: 47, message: "'tasks.a.inputs.x' is an ordered map (YAML's !!omap, a list of one-key mappings), which JSON cannot hold; write a mapping, or, if the order matters, the same list without the tag." },
    ])
  })
})
