/**
 * The block reader (src/spec/block-yaml.ts) is the first try of the fast path: wherever it reads a
 * document, its data must equal the careful parser's (`yaml`, what every diagnostic comes from), and
 * the careful parser must find nothing wrong with it. Everything else it must leave alone.
 */
import { readFileSync, readdirSync } from 'node:fs'
import { resolve } from 'node:path'
import { isDeepStrictEqual } from 'node:util'
import { describe, expect, test } from 'vitest'
import { readBlockYaml } from '../../../src/spec/block-yaml.ts'
import { parseSpecText } from '../../../src/spec/parse.ts'
import { validateSpec } from '../../../src/spec/validate.ts'
import { FIXTURES, testCatalog } from './support.ts'

/** The careful parser's data, or undefined when it finds a problem. */
function carefulData(text: string): unknown {
  const parsed = parseSpecText(text)
  return parsed.ok ? parsed.spec.data : undefined
}

/** Both readers agree, or the block reader stepped aside. Returns whether it read the text. */
function expectAgreement(text: string): boolean {
  const block = readBlockYaml(text)
  if (block === undefined) return false
  const careful = carefulData(text)
  if (careful === undefined) throw new Error(`the block reader read a document the careful parser refuses:\n${text}`)
  // Node's deep equality first: vitest's toStrictEqual compares two objects' `constructor`
  // properties, which a schema property so named makes different objects (its diff stays for a real mismatch).
  if (!isDeepStrictEqual(block, careful)) expect(block, text).toStrictEqual(careful)
  return true
}

describe('readBlockYaml', () => {
  test('scalars starting with a dot: numbers, infinities and NaNs as yaml reads them, paths as strings', () => {
    const values = ['.5', '.5e3', '.inf', '.Inf', '.INF', '.nan', '.NaN', '.NAN', '.', '..', '.x', '.i', '.n', '.infinity', '.nano', '../handlers/a.ts#b', './a.js', '.e5', '-.5', '+.inf']
    // (A flow list takes no `#`: the block reader leaves such lists to the others.)
    const text = `a:\n${values.map((v, i) => `  k${i}: ${v}\n${v.includes('#') ? '' : `  l${i}: [${v}, ${v}]\n`}`).join('')}`
    expect(expectAgreement(text)).toBe(true)
    const read = readBlockYaml(text) as { a: Record<string, unknown> }
    expect(read.a.k0).toBe(0.5)
    expect(read.a.k2).toBe(Number.POSITIVE_INFINITY)
    expect(read.a.k5).toBeNaN()
    expect(read.a.k15).toBe('../handlers/a.ts#b')
    expect(read.a.l16).toEqual(['./a.js', './a.js'])
    expect(read.a.l0).toEqual([0.5, 0.5])
  })

  test('reads block specs the way yaml does', () => {
    const text = [
      'apiVersion: weir/v1',
      'kind: Pipeline',
      'name: orders # a comment after a value',
      '# a comment line',
      'params:',
      '  limit:',
      '    type: integer',
      '    default: 10',
      'tasks:',
      '  extract:',
      '    handler: ../handlers/sales.ts#extract',
      '    retries: 2',
      '    timeout: 10m',
      '  summarize:',
      "    handler: '../handlers/sales.ts#summarize'",
      '    needs: [extract]',
      '    inputs:',
      '      orders: ${{ tasks.extract.output }}',
      '      note: "hello: world"',
      "      quote: 'it''s'",
      '      url: http://example.com/a#b',
      '      list:',
      '        - 1',
      '        - two',
      '        - key: value',
      '          other: [1, 2.5, x]',
      '        -',
      '          nested: true',
      '        - - inner',
      '          - list',
      '      empty:',
      '      flow: { type: number, default: 0.5, enum: [1, 2], nested: { a: "b c", d: [] } }',
      '      flat:',
      '      - a',
      '      - b',
      '    command: ["{{cli}}", run]',
      '',
    ].join('\n')
    expect(expectAgreement(text)).toBe(true)
    expect(readBlockYaml(text)).toMatchObject({ name: 'orders', tasks: { summarize: { needs: ['extract'], inputs: { empty: null, flat: ['a', 'b'], quote: "it's" } } } })
  })

  test.each([
    ['null', null], ['~', null], ['Null', null], ['NULL', null],
    ['true', true], ['True', true], ['FALSE', false], ['yes', 'yes'], ['on', 'on'], ['no', 'no'],
    ['0o17', 15], ['0x1F', 31], ['+12', 12], ['-0', -0], ['007', 7], ['1_000', '1_000'],
    ['.5', 0.5], ['1.', 1], ['1e3', 1000], ['-1.5E-3', -0.0015], ['1e309', Infinity], ['.inf', Infinity], ['-.Inf', -Infinity], ['.NaN', NaN],
    ['2024-01-01', '2024-01-01'], ['0b101', '0b101'], ['12:30', '12:30'], ['a,b', 'a,b'], ['{x}', '{x}'.slice(0)],
  ])('the core schema: %s', (scalar, expected) => {
    const text = `value: ${scalar}\nlist: [${/^[A-Za-z0-9_.$/+-]+$/.test(scalar) ? scalar : 'x'}]\n`
    const read = readBlockYaml(text)
    if (scalar.startsWith('{')) expect(read).toBeUndefined() // a flow mapping: left to the others
    else {
      expect(read?.value).toStrictEqual(expected)
      expectAgreement(text)
    }
  })

  test.each([
    ['an anchor and an alias', 'a: &x 1\nb: *x\n'],
    ['a tag', 'a: !!str 1\n'],
    ['a block scalar', 'a: |\n  text\n'],
    ['a folded scalar', 'a: >\n  text\n'],
    ['a flow mapping over several lines', 'a: { b: 1,\n  c: 2 }\n'],
    ['a flow key without a space', 'a: {b:1}\n'],
    ['a flow key without a value', 'a: { b }\n'],
    ['a quoted flow key', 'a: { "b": 1 }\n'],
    ['a pair in a flow list', 'a: [b: 1]\n'],
    ['a duplicate flow key', 'a: { b: 1, b: 2 }\n'],
    ['a multi-line plain scalar', 'a: one\n  two\n'],
    ['a multi-line quoted scalar', 'a: "one\n  two"\n'],
    ['an escape', 'a: "tab\\there"\n'],
    ['a tab', 'a:\tb\n'],
    ['CRLF line ends', 'a: 1\r\nb: 2\r\n'],
    ['a document marker', '---\na: 1\n'],
    ['several documents', 'a: 1\n---\nb: 2\n'],
    ['a directive', '%YAML 1.2\n---\na: 1\n'],
    ['a duplicate key', 'a: 1\na: 2\n'],
    ['a quoted key', '"a": 1\n'],
    ['a key that is not a string', 'true: 1\n'],
    ['a key starting with a digit', '1a: 1\n'],
    ['a complex key', '? a\n: 1\n'],
    ['a nested mapping on one line', 'a: b: c\n'],
    ['a value ending in a colon', 'a: b:\n'],
    ['a comment without a space', 'a: "b"#c\n'],
    ['a key without a space after the colon', 'a:b\n'],
    ['a top-level list', '- a\n'],
    ['a scalar document', 'hello\n'],
    ['an empty document', ''],
    ['only comments', '# nothing\n'],
    ['an indented document', '  a: 1\n'],
    ['bad indentation', 'a:\n    b: 1\n  c: 2\n'],
    ['a list item after a scalar value', 'a: 1\n- b\n'],
    ['a flow list over several lines', 'a: [1,\n  2]\n'],
    ['a trailing comma', 'a: [1, 2,]\n'],
    ['an empty flow item', 'a: [1, , 2]\n'],
    ['an unclosed flow list', 'a: [1, 2\n'],
    ['text after a flow list', 'a: [1] x\n'],
    ['a reserved indicator', 'a: @b\n'],
    ['a dash alone', 'a: -\n'],
    ['a question mark', 'a: ?b\n'],
    ['a BOM', '\ufeffa: 1\n'],
    ['a control character', 'a: b\u0001\n'],
    ['an emoji (surrogates)', 'a: \ud83d\ude00\n'],
    ['a __proto__ key', '__proto__: 1\n'],
    ['nesting near the limit', `a:\n${Array.from({ length: 130 }, (_, i) => `${' '.repeat(2 * (i + 1))}k:`).join('\n')}\n`],
  ])('steps aside for %s', (_what, text) => {
    expect(readBlockYaml(text)).toBeUndefined()
  })

  test('reads every valid fixture it takes exactly as yaml does, and takes most of them', () => {
    const dir = resolve(FIXTURES, 'valid')
    let read = 0
    const files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f))
    for (const file of files) if (expectAgreement(readFileSync(resolve(dir, file), 'utf8'))) read++
    expect(read).toBeGreaterThan(files.length / 3)
  })

  test("agrees with yaml on every YAML file of the repository's fixtures and example pipelines", () => {
    const roots = [resolve(FIXTURES, '..'), resolve(import.meta.dirname, '../../../pipelines')]
    let read = 0
    for (const root of roots)
      for (const file of readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((f) => /\.ya?ml$/.test(f)))
        if (expectAgreement(readFileSync(resolve(root, file), 'utf8'))) read++
    expect(read).toBeGreaterThan(20)
  })

  test('agrees with yaml on thousands of generated documents', () => {
    let seed = 20261205
    const rng = (): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff
      return seed / 0x80000000
    }
    const pick = <T,>(items: readonly T[]): T => items[Math.floor(rng() * items.length)]!
    const KEYS = ['a', 'b', '$ref', 'a$', 'tasks', 'handler', 'needs', 'x_1', 'a.b', 'a-b', 'a/b', 'n', 'Null', 'true', 'nan', 'inf', 'e1', '_']
    const SCALARS = ['x', 'null', '~', 'true', 'False', '1', '-2', '+3', '0o7', '0x1f', '0xG', '1.5', '.5', '1e3', '1e309', '.inf', '-.INF', '.nan', '1_0', '2024-01-01',
      "'q'", "'it''s'", '"dq"', '"a: b"', "''", '""', 'a #c', 'a#c', 'a: b', 'a:', 'http://x/y', '${{ tasks.a.output }}', '[]', '[ ]', '[a, 1, "b", \'c\']', '[a,b]',
      '[-1, .5, ~]', '[a b]', '[a,]', '{}', '{ }', '{ a: 1, b: [x, y] }', '{a: {b: c d}}', '{a:1}', '{ a }', '[[1], {a: b}]', '[a: b]', '{ a: , b: 1 }', '{ a: 1 } x', '&x a', '*x', '!t a', '|', '>', '-', '- a', '-a', '?a', ':a', '@a', '`a', '%a', 'a b c', ' x', 'x ', '"a"  # c', "'a' x"]
    const lines = (depth: number, indent: number): string[] => {
      const out: string[] = []
      const n = 1 + Math.floor(rng() * 3)
      const list = depth > 0 && rng() < 0.3
      const pad = ' '.repeat(indent)
      for (let i = 0; i < n; i++) {
        const nested = depth < 4 && rng() < 0.35
        const extra = rng() < 0.1 ? pick(['  ', ' ', '']) : ''
        if (rng() < 0.05) out.push(`${pad}${pick(['# c', '', '   '])}`)
        if (list) {
          if (nested && rng() < 0.5) out.push(`${pad}-`, ...lines(depth + 1, indent + 2))
          else if (nested) {
            const inner = lines(depth + 1, indent + 2)
            out.push(`${pad}- ${inner[0]!.trimStart()}`, ...inner.slice(1))
          } else out.push(`${pad}- ${pick(SCALARS)}`)
        } else if (nested) out.push(`${extra}${pad}${pick(KEYS)}:`, ...lines(depth + 1, indent + pick([2, 2, 4, 0, 1])))
        else out.push(`${extra}${pad}${pick(KEYS)}: ${pick(SCALARS)}`)
      }
      return out
    }
    let read = 0
    for (let i = 0; i < 4000; i++) {
      const text = lines(0, 0).join('\n') + (rng() < 0.8 ? '\n' : '')
      if (expectAgreement(text)) read++
    }
    // The generator is meant to hit both sides: many documents read, many stepped aside.
    expect(read).toBeGreaterThan(400)
    expect(read).toBeLessThan(3600)
  })
})

describe('validateSpec takes the same verdict from a block spec both ways', () => {
  const HEAD = 'apiVersion: weir/v1\nkind: Pipeline\nname: blocky\n'
  test.each([
    ['a clean spec', `${HEAD}tasks:\n  a:\n    handler: ./h.ts\n  b:\n    handler: ./h.ts\n    needs: [a]\n    inputs:\n      x: \${{ tasks.a.output }}\n      n: 3\n`],
    ['a spec with a warning', `${HEAD}params:\n  p:\n    type: string\ntasks:\n  a:\n    handler: ./h.ts\n`],
    ['an unknown task in needs', `${HEAD}tasks:\n  a:\n    handler: ./h.ts\n    needs: [a, nope]\n`],
    ['an unknown key', `${HEAD}tasks:\n  a:\n    handler: ./h.ts\n    handlr: x\n`],
    ['a cycle', `${HEAD}tasks:\n  a:\n    handler: ./h.ts\n    needs: [b]\n  b:\n    handler: ./h.ts\n    needs:\n      - a\n`],
  ])('%s', async (_what, text) => {
    expect(readBlockYaml(text)).toBeDefined()
    const options = { path: '/nowhere/spec.yaml', plugins: testCatalog, checkHandlers: false }
    const fast = await validateSpec(text, options)
    const careful = await validateSpec(text, { ...options, fastPath: false })
    expect(fast.diagnostics).toEqual(careful.diagnostics)
    for (const d of fast.diagnostics) expect(d.line).toBeGreaterThan(1)
    expect(fast.pipeline === undefined).toBe(careful.pipeline === undefined)
    if (fast.pipeline) expect({ ...fast.pipeline, tasks: [...fast.pipeline.tasks] }).toEqual({ ...careful.pipeline!, tasks: [...careful.pipeline!.tasks] })
  })

  test('a problem in a block spec is reported at its exact line and column', async () => {
    const text = `${HEAD}tasks:\n  a:\n    handler: ./h.ts\n    needs: [a, nope]\n`
    const { diagnostics } = await validateSpec(text, { path: '/nowhere/spec.yaml', plugins: testCatalog, checkHandlers: false })
    expect(diagnostics.map((d) => [d.code, d.line, d.column])).toEqual([
      ['SELF_DEPENDENCY', 7, 13],
      ['UNKNOWN_TASK', 7, 16],
    ])
  })
})
