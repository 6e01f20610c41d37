/**
 * A `.json` spec is held to JSON: what JSON refuses is one YAML_SYNTAX at the line and column where
 * JSON.parse stops, in JSON's words, never YAML's ("Flow map … must be sufficiently indented") nor a
 * `// comment` read as a key; and a strict JSON spec (CRLF, tabs, a BOM) validates as before.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { validateSpecFile } from '../../../src/spec/validate.ts'
import { testCatalog } from './support.ts'

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'weir-json-spec-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

async function validate(name: string, text: string) {
  const path = join(dir, name)
  await writeFile(path, text)
  return validateSpecFile(path, { plugins: testCatalog, checkHandlers: false })
}

const lines = (...rows: string[]) => rows.join('\n') + '\n'
const HEAD = ['{', '  "apiVersion": "weir/v1",', '  "kind": "Pipeline",', '  "name": "json_spec",']

describe('a .json spec', () => {
  test.each([
    ['a comment', [...HEAD, '  // the tasks', '  "tasks": { "a": { "handler": "./h.ts" } }', '}'], 5, 3, 'expected double-quoted property name'],
    ['a trailing comma', [...HEAD, '  "tasks": { "a": { "handler": "./h.ts" }, }', '}'], 5, 44, 'expected double-quoted property name'],
    ['single quotes', [...HEAD, "  'tasks': { \"a\": { \"handler\": \"./h.ts\" } }", '}'], 5, 3, 'expected double-quoted property name'],
    ['a missing comma', ['{', '  "apiVersion": "weir/v1"', '  "kind": "Pipeline",', '  "name": "json_spec",', '  "tasks": { "a": { "handler": "./h.ts" } }', '}'], 3, 3, "expected ',' or '}'"],
    ['NaN', [...HEAD, '  "tasks": { "a": { "handler": "./h.ts", "inputs": { "x": NaN } } }', '}'], 5, 59, "unexpected token 'N'"],
  ])('with %s is not JSON, at its line and column', async (_what, rows, line, column, reason) => {
    const { diagnostics, pipeline } = await validate('spec.json', lines(...rows))
    expect(pipeline).toBeUndefined()
    expect(diagnostics).toHaveLength(1)
    expect(diagnostics[0]).toMatchObject({ code: 'YAML_SYNTAX', line, column })
    expect(diagnostics[0]!.message).toContain(`not valid JSON here (${reason}`)
    expect(diagnostics[0]!.message).not.toMatch(/json_spec|" is not valid|position/)
  })

  test('in strict JSON, with CRLF line ends, tabs and a BOM, validates', async () => {
    const text = '\uFEFF' + [...HEAD, '\t"tasks": { "a": { "handler": "./h.ts", "bogus": 1 } }', '}'].join('\r\n') + '\r\n'
    const { diagnostics } = await validate('crlf.json', text)
    expect(diagnostics).toMatchObject([{ code: 'UNKNOWN_KEY', line: 5, column: 41 }])
    const valid = await validate('ok.json', lines(...HEAD, '  "tasks": { "a": { "handler": "./h.ts" } }', '}'))
    expect(valid.diagnostics).toEqual([])
  })

  test('a .yaml spec keeps YAML flow syntax, trailing commas included', async () => {
    const { diagnostics } = await validate('flow.yaml', lines(...HEAD, '  "tasks": { "a": { "handler": "./h.ts" }, },', '}'))
    expect(diagnostics).toEqual([])
  })
})
