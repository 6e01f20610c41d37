/** Hostile and odd input: nothing crashes, nothing is polluted, every problem is a diagnostic. */
import { execFileSync } from 'node:child_process'
import { mkdtemp, rm, symlink, truncate, writeFile, mkdir } from 'node:fs/promises'
import { createServer } from 'node:net'
import type { Server } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { validateSpec, validateSpecFile } from '../../../src/spec/validate.ts'
import { readSpecText } from '../../../src/spec/read-spec-text.ts'
import { MAX_NESTING, MAX_SPEC_BYTES } from '../../../src/spec/parse.ts'
import { flowNestingTooDeep } from '../../../src/spec/nesting.ts'
import { testCatalog } from './support.ts'

const HEAD = 'apiVersion: weir/v1\nkind: Pipeline\nname: hostile\n'
const check = (text: string) => validateSpec(text, { path: '/nowhere/spec.yaml', plugins: testCatalog, checkHandlers: false })

let dir: string
const sockets: Server[] = []
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'weir-hostile-'))
})
afterAll(async () => {
  for (const server of sockets) server.close()
  await rm(dir, { recursive: true, force: true })
})

describe('YAML alias bombs', () => {
  test('are refused with ALIAS_LIMIT instead of being expanded', { timeout: 5000 }, async () => {
    let text = HEAD + 'a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n'
    for (let i = 1; i < 12; i++) text += `a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(', ')}]\n`
    text += 'tasks: { t: { handler: ./h.ts } }\n'
    const { diagnostics, pipeline } = await check(text)
    expect(pipeline).toBeUndefined()
    // At the alias whose expansion passes the limit (check-structure.ts), before any is expanded.
    expect(diagnostics).toMatchObject([{ code: 'ALIAS_LIMIT', line: 8, column: 45 }])
  })

  test('few aliases of a large value are refused too: what they expand to counts, not their number', async () => {
    let text = HEAD + `big: &big [${Array.from({ length: 2_000 }, (_, i) => i).join(', ')}]\n`
    for (let i = 0; i < 60; i++) text += `c${i}: *big\n`
    const { diagnostics } = await check(text + 'tasks: { t: { handler: ./h.ts } }\n')
    expect(diagnostics).toMatchObject([{ code: 'ALIAS_LIMIT', line: 54 }])
    expect(diagnostics[0]!.message).toBe("Alias '*big' brings the values the document's aliases expand to past 100,000; write the repeated values out once, or repeat less.")
  })

  test('an alias that names no anchor is YAML_SYNTAX at the alias, not the alias limit (probe finding)', async () => {
    const message = "Alias '*nope' names no anchor defined before it; put the anchor ('&nope') on a value above the alias, or write the value out."
    const undefinedAlias = await check(`${HEAD}tasks:\n  t:\n    handler: ./h.ts\n    inputs: { x: *nope }\n`)
    expect(undefinedAlias.diagnostics).toEqual([{ severity: 'error', code: 'YAML_SYNTAX', pointer: '', line: 7, column: 18, endLine: 7, endColumn: 23, message }])
    // An anchor defined only after its alias is no anchor for it either.
    const later = await check(`${HEAD}params: { p: { type: number, default: *nope } }\nx: &nope 1\ntasks: { t: { handler: ./h.ts } }\n`)
    expect(later.diagnostics).toMatchObject([{ code: 'YAML_SYNTAX', line: 4, column: 39, message }])
  })

  test('a few legitimate aliases still work', async () => {
    const text = HEAD + 'tasks:\n  a: &task { handler: ./h.ts, retries: 1 }\n  b: *task\n'
    const { diagnostics, pipeline } = await check(text)
    expect(diagnostics).toEqual([])
    expect(pipeline!.tasks.get('b')!.retry.maxRetries).toBe(1)
  })
})

describe('recursive aliases and deep nesting (issue 15)', () => {
  const codesAt = async (text: string) => {
    const fast = await check(text)
    const careful = await validateSpec(text, { path: '/nowhere/spec.yaml', plugins: testCatalog, checkHandlers: false, fastPath: false })
    expect(fast.diagnostics).toEqual(careful.diagnostics)
    return fast.diagnostics.map((d) => ({ code: d.code, line: d.line, column: d.column, message: d.message }))
  }

  test('an alias inside its own anchor (through a list) is RECURSIVE_ALIAS at the alias, not a stack overflow', async () => {
    const found = await codesAt(`${HEAD}params: { counter: &a [*a] }\ntasks: { t: { handler: ./h.ts } }\n`)
    expect(found).toEqual([
      {
        code: 'RECURSIVE_ALIAS',
        line: 4,
        column: 24,
        message: "Alias '*a' sits inside the value its anchor '&a' names, so that value would contain itself without end; write the value out instead of the alias.",
      },
    ])
  })

  test('cycles through mappings and through several anchors are found too', async () => {
    expect(await codesAt(`${HEAD}params:\n  p: &m { type: object, properties: { self: *m } }\ntasks: { t: { handler: ./h.ts } }\n`)).toMatchObject([{ code: 'RECURSIVE_ALIAS', line: 5, column: 45 }])
    expect(await codesAt(`${HEAD}x: &outer { a: &inner [ { b: *outer } ] }\ntasks: { t: { handler: ./h.ts } }\n`)).toMatchObject([{ code: 'RECURSIVE_ALIAS', line: 4, column: 30 }])
    expect(await codesAt(`${HEAD}x: &outer { a: &inner [ { b: *inner } ] }\ntasks: { t: { handler: ./h.ts } }\n`)).toMatchObject([{ code: 'RECURSIVE_ALIAS', line: 4, column: 30 }])
    // An alias to an anchor that is not around it is an ordinary repeat.
    expect(await codesAt(`${HEAD}x: &a { k: 1 }\ny: { a: *a, b: [*a] }\ntasks: { t: { handler: ./h.ts } }\n`)).toMatchObject([{ code: 'UNKNOWN_KEY' }, { code: 'UNKNOWN_KEY' }])
  })

  test('a 100,000-deep [[[[ document is one NESTING_TOO_DEEP diagnostic', { timeout: 120_000 }, async () => {
    const found = await codesAt(HEAD + 'x: ' + '['.repeat(100_000) + ']'.repeat(100_000) + '\n')
    expect(found.length).toBeGreaterThanOrEqual(1)
    expect(new Set(found.map((d) => d.code))).toEqual(new Set(['NESTING_TOO_DEEP']))
    expect(found[0]!.line).toBe(4)
  })

  test(`nesting deeper than ${MAX_NESTING} levels is refused at the first node too deep, whatever the stack size`, async () => {
    const depth = MAX_NESTING // the top-level mapping is one level, so this list is one too many
    const text = `${HEAD}tasks:\n  a:\n    handler: ./h.ts\n    inputs: { x: ${'['.repeat(depth)}1${']'.repeat(depth)} }\n`
    expect(await codesAt(text)).toEqual([
      {
        code: 'NESTING_TOO_DEEP',
        line: 7,
        column: 18 + MAX_NESTING - 4,
        message: `Collections are nested more than ${MAX_NESTING} levels deep here; a pipeline spec needs only a few levels of nesting, so flatten this value.`,
      },
    ])
    // One level less is fine.
    const fine = `${HEAD}tasks:\n  a:\n    handler: ./h.ts\n    inputs: { x: ${'['.repeat(depth - 4)}1${']'.repeat(depth - 4)} }\n`
    expect(await codesAt(fine)).toEqual([])
  })

  test('a %YAML 1.2 directive is read as the 1.2 it names', async () => {
    const { diagnostics, pipeline } = await validateSpec(`%YAML 1.2\n---\n${HEAD}tasks: { t: { handler: ./h.ts#t, inputs: { y: 1, n: 0777 } } }\n`, { path: 'p.yaml', checkHandlers: false, plugins: testCatalog })
    expect(diagnostics).toEqual([])
    expect(pipeline!.tasks.get('t')!.inputs).toEqual({ y: { kind: 'literal', value: 1 }, n: { kind: 'literal', value: 777 } })
  })

  test('brackets in quoted scalars, comments and words are no nesting; unbalanced closers are harmless', async () => {
    const many = '['.repeat(8 * MAX_NESTING + 10)
    const text = `${HEAD}description: "${many} \\" ${many}"\n# ${many}\nlabels: { a: '${many} it''s ${many}', b: it's x[y, c: ${']'.repeat(3000)} }\ntasks: { t: { handler: ./h.ts } }\n`
    expect(flowNestingTooDeep(text)).toBeUndefined()
    expect((await codesAt(text)).map((d) => d.code)).not.toContain('NESTING_TOO_DEEP')
  })

  test('brackets in block scalars and plain scalars are no nesting either (valid specs pass)', async () => {
    const many = (c: string) => c.repeat(8 * MAX_NESTING + 100)
    const specs = [
      `${HEAD}description: |\n${Array.from({ length: 1100 }, (_, i) => `  line [${i}`).join('\n')}\n`,
      `${HEAD}description: |\n  ${many('[')}\n  ${many('{')}\n`,
      `${HEAD}description: >-\n  ${many('{')}\nlabels:\n  note: >\n    don't ${many('[')}\n`,
      `${HEAD}description: a${many('[')}\n`,
      `${HEAD}description: x\nlabels: { a: "${many('[')}" }\n`,
    ]
    for (const text of specs) {
      expect(flowNestingTooDeep(text + 'tasks: { t: { handler: ./h.ts } }\n')).toBeUndefined()
      expect((await codesAt(text + 'tasks: { t: { handler: ./h.ts } }\n')).map((d) => d.code)).not.toContain('NESTING_TOO_DEEP')
    }
  })

  test('a flow collection too deep is found by a scan of the text, before any parser builds it', () => {
    // It reports where the nesting went past the limit; below 8 times the limit it leaves the exact check after parsing to say so.
    const text = `${HEAD}x: ${'[ '.repeat(1_000_000)}`
    expect(flowNestingTooDeep(text)).toBe(HEAD.length + 3 + 2 * MAX_NESTING)
    expect(flowNestingTooDeep(`${HEAD}x: ${'['.repeat(8 * MAX_NESTING)}${']'.repeat(8 * MAX_NESTING)}`)).toBeUndefined()
  })

  test('aliases that stack nesting on nesting are measured by what they expand to', async () => {
    let text = HEAD + 'x0: &a0 [[[[[[[[[[1]]]]]]]]]]\n'
    for (let i = 1; i < 15; i++) text += `x${i}: &a${i} [[[[[[[[[[*a${i - 1}]]]]]]]]]]\n`
    const found = await codesAt(text + 'tasks: { t: { handler: ./h.ts } }\n')
    expect(found[0]).toMatchObject({ code: 'NESTING_TOO_DEEP', line: 16, column: 21 })
    expect(found[0]!.message).toBe(`Alias '*a11' expands to collections nested more than ${MAX_NESTING} levels deep; write the value out with less nesting.`)
  })
})

describe('YAML tags that do not apply (probe finding: they silently changed types)', () => {
  test('each is NOT_JSON at the tag, naming it, on either path; the value is not also reported as the string it became', async () => {
    const text = `${HEAD}params:\n  n: { type: number, default: !!float 1 }\ntasks:\n  a:\n    handler: ./h.ts\n    inputs: { n: "\${{ params.n }}", x: !!int 3.0, f: !!js/function "function(){}", c: !custom\n      [1] }\n`
    const fast = await check(text)
    const careful = await validateSpec(text, { path: '/nowhere/spec.yaml', plugins: testCatalog, checkHandlers: false, fastPath: false })
    expect(fast).toEqual(careful)
    expect(fast.pipeline).toBeUndefined()
    expect(fast.diagnostics).toEqual([
      {
        severity: 'error',
        code: 'NOT_JSON',
        pointer: '/params/n/default',
        line: 5,
        column: 31,
        endLine: 5,
        endColumn: 38,
        message: "Tag '!!float' cannot be applied to the value '1', which would be read as the string '1'; remove the tag and write the value as plain YAML (quoted, if a string is meant).",
      },
      expect.objectContaining({ pointer: '/tasks/a/inputs/x', line: 9, column: 40, message: "Tag '!!int' cannot be applied to the value '3.0', which would be read as the string '3.0'; remove the tag and write the value as plain YAML (quoted, if a string is meant)." }),
      expect.objectContaining({ pointer: '/tasks/a/inputs/f', message: expect.stringMatching(/^Tag '!!js\/function' is not one weir knows, so the value 'function\(\){}' would be read as the string/) }),
      expect.objectContaining({ pointer: '/tasks/a/inputs/c', message: "Tag '!custom' is not one weir knows, so this list would be read as a plain list with the tag ignored; remove the tag." }),
    ])
  })

  test('tags that fit their values are fine', async () => {
    const { diagnostics, pipeline } = await check(`${HEAD}tasks:\n  a:\n    handler: ./h.ts\n    inputs: { s: !!str 2, f: !!float 2.5, i: !!int 3, b: !!bool "true", l: !!seq [1], m: !!map { a: 1 } }\n`)
    expect(diagnostics).toEqual([])
    expect(pipeline!.tasks.get('a')!.inputs).toMatchObject({ s: { kind: 'literal', value: '2' }, f: { value: 2.5 }, i: { value: 3 }, b: { value: true } })
  })
})

describe('prototype pollution', () => {
  const pollutedBefore = Object.getOwnPropertyNames(Object.prototype).sort()
  const afterEach = () => {
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(pollutedBefore)
  }

  test('__proto__, constructor and prototype as task ids, param names and input names are RESERVED_KEY, one per outermost key (issue 15)', async () => {
    const text = `${HEAD}params:
  __proto__: { type: object, default: { polluted: true } }
  constructor: { type: string, default: x }
types:
  __proto__: { type: object, properties: { __proto__: { type: string } } }
tasks:
  constructor:
    handler: ./h.ts
    inputs:
      __proto__: { polluted: true }
      constructor: \${{ params.constructor }}
      prototype: { __proto__: { polluted: true } }
    values:
      __proto__: { type: object }
  prototype:
    handler: ./h.ts
    needs: [constructor]
  __proto__:
    handler: ./h.ts
`
    const { diagnostics } = await check(text)
    afterEach()
    expect(diagnostics.map((d) => [d.code, d.pointer, d.line, d.column])).toEqual([
      ['RESERVED_KEY', '/params/__proto__', 5, 3],
      ['RESERVED_KEY', '/params/constructor', 6, 3],
      ['RESERVED_KEY', '/types/__proto__', 8, 3],
      ['RESERVED_KEY', '/tasks/constructor', 10, 3],
      ['RESERVED_KEY', '/tasks/prototype', 18, 3],
      ['RESERVED_KEY', '/tasks/__proto__', 21, 3],
    ])
    expect(diagnostics[3]!.message).toBe("'constructor' cannot be a task id, because every JavaScript object already has a 'constructor'; rename it.")
  })

  test.each([
    ['an input name', 'inputs: { __proto__: { polluted: 1 } }', '/tasks/a/inputs/__proto__', 35, "'__proto__' cannot be an input name of task 'a', because every JavaScript object already has a '__proto__'; rename it."],
    ['an input named constructor', 'inputs: { constructor: 1 }', '/tasks/a/inputs/constructor', 35, "'constructor' cannot be an input name of task 'a', because every JavaScript object already has a 'constructor'; rename it."],
    ['a key inside an input value', 'inputs: { x: [ { prototype: 1 } ] }', '/tasks/a/inputs/x/0/prototype', 42, "'prototype' cannot be a key inside input 'x' of task 'a', because every JavaScript object already has a 'prototype'; rename it."],
    ['a value name', 'values: { constructor: { type: integer } }', '/tasks/a/values/constructor', 35, "'constructor' cannot be a value name of task 'a', because every JavaScript object already has a 'constructor'; rename it."],
    ['a column name', 'output: { type: table, columns: { prototype: int64 } }', '/tasks/a/output/columns/prototype', 59, "'prototype' cannot be a column name of task 'a', because every JavaScript object already has a 'prototype'; rename it."],
    ['an io config key', 'io: lake\nio_decl', '/io/lake/constructor', 21, "'constructor' cannot be a key of io 'lake', because every JavaScript object already has a 'constructor'; rename it."],
  ])('%s that JavaScript objects have built in is RESERVED_KEY at the key (issue 15)', async (_what, taskLine, pointer, column, message) => {
    const io = taskLine.endsWith('io_decl') ? 'io:\n  lake: { type: fs, constructor: 1 }\n' : ''
    const line = taskLine.replace('\nio_decl', '')
    const text = `${HEAD}${io}tasks:\n  b: { handler: ./h.ts }\n  a: { handler: ./h.ts, ${line} }\n`
    const { diagnostics } = await check(text)
    afterEach()
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([
      expect.objectContaining({ code: 'RESERVED_KEY', pointer, line: io ? 5 : 6, column, message }),
    ])
  })

  test.each([
    ['tasks.a.output.__proto__', '__proto__'],
    ['tasks.a.output.constructor', 'constructor'],
    ['tasks.a.output.rows.prototype', 'prototype'],
    ['tasks.a.values.constructor', 'constructor'],
    ['params.constructor', 'constructor'],
  ])('a reference through %s is INVALID_REFERENCE at the expression (issue 15)', async (expression, segment) => {
    const text = `${HEAD}tasks:\n  a: { handler: ./h.ts }\n  b: { handler: ./h.ts, inputs: { x: "n \${{ ${expression} }}" } }\n`
    const { diagnostics } = await check(text)
    expect(diagnostics).toEqual([
      expect.objectContaining({
        code: 'INVALID_REFERENCE',
        pointer: '/tasks/b/inputs/x',
        line: 6,
        column: 41,
        message: `'${expression}' goes through '${segment}', which every JavaScript object already has, so a reference cannot use it; rename the field.`,
      }),
    ])
  })

  test('JSON specs with __proto__ keys pollute nothing either', async () => {
    const text = JSON.stringify({ apiVersion: 'weir/v1', kind: 'Pipeline', name: 'j', tasks: { a: { handler: './h.ts' } } }).replace('"tasks"', '"__proto__": { "polluted": true }, "tasks"')
    const { diagnostics } = await check(text)
    afterEach()
    expect(diagnostics).toMatchObject([{ code: 'RESERVED_KEY', pointer: '/__proto__' }])
  })

  test('constructor and prototype stay ordinary names where they are data: schema properties and param defaults', async () => {
    const text = `${HEAD}params:
  p: { type: object, properties: { constructor: { type: string } }, default: { constructor: x, prototype: y } }
tasks:
  a: { handler: ./h.ts, output: { type: object, properties: { prototype: { type: string } } }, inputs: { p: "\${{ params.p }}" } }
`
    const { diagnostics, pipeline } = await check(text)
    afterEach()
    expect(diagnostics).toEqual([])
    expect(pipeline).toBeDefined()
  })
})

describe('big specs', () => {
  test('a 15,000-task chain closed into a cycle: no stack overflow, no quadratic duplicate-key check', { timeout: 60_000 }, async () => {
    const n = 15_000
    let text = `${HEAD}tasks:\n`
    for (let i = 0; i < n; i++) text += `  t${i}: { handler: ./h.ts, needs: [t${(i + n - 1) % n}] }\n`
    const { diagnostics } = await check(text)
    expect(diagnostics).toMatchObject([{ code: 'DEPENDENCY_CYCLE' }])
    expect(diagnostics[0]!.message).toBe(
      'Tasks depend on each other in a cycle: t0 → t14999 → t14998 → t14997 → t14996 → t14995 → … 14990 more … → t4 → t3 → t2 → t1 → t0 (each depends on the next); remove one of these dependencies.',
    )
  })
})

describe("names of Object.prototype's members", () => {
  test('constructor and toString are plain names in schedule params, triggers and schema keywords (fuzz finding)', async () => {
    const text = `${HEAD}params:
  p: { type: number, default: 1, constructor: 3 }
tasks:
  a: { handler: ./h.ts, inputs: { v: "\${{ params.p }}" } }
  b: { handler: ./h.ts, trigger: constructor, inputs: { v: "\${{ tasks.a.output }}" } }
schedule:
  cron: "0 3 * * *"
  params: { constructor: 1, toString: 2 }
`
    const { diagnostics } = await check(text)
    expect(diagnostics.map((d) => [d.code, d.pointer])).toEqual([
      ['INVALID_TRIGGER', '/tasks/b/trigger'],
      ['UNKNOWN_PARAM', '/schedule/params/constructor'],
      ['UNKNOWN_PARAM', '/schedule/params/toString'],
    ])
  })
})

describe('files that are not specs', () => {
  test('a huge file is refused with FILE_TOO_LARGE before parsing', async () => {
    const path = join(dir, 'huge.yaml')
    await writeFile(path, HEAD + '# ' + 'x'.repeat(MAX_SPEC_BYTES) + '\n')
    expect((await validateSpecFile(path)).diagnostics).toMatchObject([{ code: 'FILE_TOO_LARGE', line: 1, column: 1, pointer: '' }])
  })

  test('a binary file is refused with NOT_TEXT', async () => {
    const path = join(dir, 'binary.yaml')
    await writeFile(path, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d]))
    expect((await validateSpecFile(path)).diagnostics).toMatchObject([{ code: 'NOT_TEXT', line: 1, column: 1 }])
  })

  test.each([
    ['UTF-16 with a byte order mark (little-endian)', () => Buffer.from('\ufeff' + HEAD, 'utf16le'), 'UTF-16 (little-endian)'],
    ['UTF-16 with a byte order mark (big-endian)', () => Buffer.from('\ufeff' + HEAD, 'utf16le').swap16(), 'UTF-16 (big-endian)'],
    ['UTF-16 without one', () => Buffer.from(HEAD + 'description: café\n', 'utf16le'), 'UTF-16 (little-endian)'],
    ['UTF-32 (little-endian)', () => Buffer.from([0xff, 0xfe, 0, 0, 0x61, 0, 0, 0]), 'UTF-32 (little-endian)'],
  ])('%s is INVALID_ENCODING that says to save it as UTF-8, not NOT_TEXT (probe finding)', async (_what, bytes, encoding) => {
    const path = join(dir, 'utf16.yaml')
    await writeFile(path, bytes())
    expect((await validateSpecFile(path)).diagnostics).toEqual([
      { severity: 'error', code: 'INVALID_ENCODING', pointer: '', line: 1, column: 1, message: `The file is ${encoding} text, not UTF-8; save it as UTF-8 (in most editors: "Save with encoding").` },
    ])
  })

  test.each([
    ['a Latin-1 byte', [0x63, 0x61, 0x66, 0xe9], 4, 17, 'byte 0xE9'],
    ['a stray continuation byte after valid multi-byte characters', [...Buffer.from('é€ '), 0x80], 4, 17, 'byte 0x80'],
    ['an overlong encoding of /', [0xc0, 0xaf], 4, 14, 'byte 0xC0'],
    ['an encoded surrogate', [0xed, 0xa0, 0x80], 4, 14, 'byte 0xED'],
    ['a sequence cut off at the end of the file', [0x6f, 0x6b, 0xe2, 0x82], 4, 16, 'byte 0xE2'],
  ])('invalid UTF-8 (%s) is INVALID_ENCODING at the first bad byte, never replaced (issue 15)', async (_what, bad, line, column, byte) => {
    const path = join(dir, 'latin1.yaml')
    const tail = bad.at(-1) === 0x82 ? [] : [...Buffer.from('\ntasks: { a: { handler: ./h.ts } }\n')]
    await writeFile(path, Buffer.from([...Buffer.from(HEAD + 'description: '), ...bad, ...tail]))
    const { diagnostics, pipeline } = await validateSpecFile(path, { checkHandlers: false })
    expect(pipeline).toBeUndefined()
    expect(diagnostics).toEqual([
      {
        severity: 'error',
        code: 'INVALID_ENCODING',
        pointer: '',
        line,
        column,
        message: `The file is not valid UTF-8: ${byte} at line ${line}, column ${column} is not part of a valid character (is the file Latin-1 or Windows-1252?); save it as UTF-8.`,
      },
    ])
  })

  test('a UTF-8 byte order mark and multi-byte characters are fine', async () => {
    const path = join(dir, 'bom.yaml')
    await writeFile(path, Buffer.from([0xef, 0xbb, 0xbf, ...Buffer.from(HEAD + 'description: café € 😀\ntasks: { a: { handler: ./h.ts } }\n')]))
    const { diagnostics, pipeline } = await validateSpecFile(path, { checkHandlers: false })
    expect(diagnostics).toEqual([])
    expect(pipeline!.description).toBe('café € 😀')
  })

  test.each([
    ['a character device (/dev/zero, which never ends)', async () => '/dev/zero', 'a character device'],
    ['a FIFO with no writer (reading would wait forever)', async () => {
      const path = join(dir, 'fifo.yaml')
      execFileSync('mkfifo', [path])
      return path
    }, 'a FIFO'],
    ['a socket', async () => {
      const path = join(dir, 'socket.yaml')
      const server = createServer()
      await new Promise<void>((resolve) => server.listen(path, resolve))
      sockets.push(server)
      return path
    }, 'a socket'],
    ['a symlink to /dev/zero', async () => {
      const path = join(dir, 'zero-link.yaml')
      await symlink('/dev/zero', path)
      return path
    }, 'a character device'],
  ])('%s is refused before reading: FILE_UNREADABLE (issue 15)', { timeout: 10_000 }, async (_what, make, kind) => {
    const path = await make()
    const { diagnostics } = await validateSpecFile(path)
    expect(diagnostics).toEqual([
      { severity: 'error', code: 'FILE_UNREADABLE', pointer: '', line: 1, column: 1, message: `Cannot read '${path}': it is ${kind}, not a regular file; point weir at a spec file.` },
    ])
    expect(await readSpecText(path)).toBeUndefined()
  })

  test('a file over the limit is refused by its size before it is read, and the text for display is bounded too', async () => {
    const path = join(dir, 'sparse.yaml')
    await writeFile(path, '')
    await truncate(path, 64 * 1024 * 1024 * 1024) // 64 GB, sparse: reading it would take minutes and all memory
    const { diagnostics } = await validateSpecFile(path)
    expect(diagnostics).toMatchObject([{ code: 'FILE_TOO_LARGE', message: `The file is ${64 * 1024 * 1024 * 1024} bytes; specs are limited to ${MAX_SPEC_BYTES} bytes, so split it into several pipelines.` }])
    expect(await readSpecText(path)).toBeUndefined()
  })

  test('a regular file whose size the system does not know (/proc) is read up to the limit', async () => {
    const { diagnostics } = await validateSpecFile('/proc/self/status')
    expect(diagnostics.length).toBeGreaterThan(0)
    expect(diagnostics[0]!.code).not.toBe('FILE_UNREADABLE')
  })

  test('a missing file or a folder is FILE_UNREADABLE', async () => {
    expect((await validateSpecFile(join(dir, 'missing.yaml'))).diagnostics).toMatchObject([{ code: 'FILE_UNREADABLE' }])
    await mkdir(join(dir, 'folder.yaml'))
    expect((await validateSpecFile(join(dir, 'folder.yaml'))).diagnostics).toMatchObject([
      { code: 'FILE_UNREADABLE', message: `Cannot read '${join(dir, 'folder.yaml')}': it is a folder, not a regular file; point weir at a spec file.` },
    ])
  })

  test.each([
    ['an empty file', '', 'NOT_A_PIPELINE'],
    ['only comments', '# nothing here\n', 'NOT_A_PIPELINE'],
    ['a top-level list', '- a\n- b\n', 'NOT_A_PIPELINE'],
    ['a top-level scalar', 'just text\n', 'NOT_A_PIPELINE'],
    ['a number', '42\n', 'NOT_A_PIPELINE'],
    ['two documents', HEAD + '---\n' + HEAD, 'MULTIPLE_DOCUMENTS'],
    ['deep flow nesting', HEAD + 'x: ' + '['.repeat(5000) + ']'.repeat(5000) + '\n', 'NESTING_TOO_DEEP'],
    ['an unterminated string', HEAD + 'description: "open\n', 'YAML_SYNTAX'],
    // YAML 1.1 would read `y:` as the key true, 0777 as octal and << as a merge: weir reads 1.2 only.
    ['a %YAML 1.1 directive', '%YAML 1.1\n---\n' + HEAD + 'tasks: { t: { handler: ./h.ts, inputs: { y: 1 } } }\n', 'YAML_SYNTAX'],
    ['a tab indent', HEAD + 'tasks:\n\ta: 1\n', 'YAML_SYNTAX'],
  ])('%s is one clear diagnostic', async (_name, text, code) => {
    const { diagnostics } = await check(text)
    expect(diagnostics.length).toBeGreaterThanOrEqual(1)
    expect(diagnostics[0]!.code).toBe(code)
    for (const d of diagnostics) {
      expect(d.line).toBeGreaterThanOrEqual(1)
      expect(d.column).toBeGreaterThanOrEqual(1)
      expect(d.message).not.toMatch(/undefined|\[object Object\]|Maximum call stack/)
    }
  })

  test('lone CR line endings (classic Mac OS) are one YAML_SYNTAX at the first CR, with or without other errors', async () => {
    const lines = `${HEAD}tasks:\n  a:\n    handler: ./h.ts\n`
    for (const text of [lines.replace(/\n/g, '\r'), lines.replace(/\n/g, '\r').replace('./h.ts', './h.ts\r    retries: 500')]) {
      const { diagnostics, pipeline } = await check(text)
      expect(pipeline).toBeUndefined()
      expect(diagnostics).toEqual([
        {
          severity: 'error',
          code: 'YAML_SYNTAX',
          pointer: '',
          line: 1,
          column: 20,
          message: 'A carriage return (CR) without a line feed after it ends a line here (classic Mac OS line endings, or a stray CR); weir reads lines that end in LF or CRLF, so save the file with LF or CRLF line endings.',
        },
      ])
    }
    // A stray CR in a file of LF lines is found where it is; CRLF line endings are fine.
    expect((await check(`${HEAD}tasks:\n  a:\r    handler: ./h.ts\n`)).diagnostics).toMatchObject([{ code: 'YAML_SYNTAX', line: 5, column: 5 }])
    expect((await check(lines.replace(/\n/g, '\r\n'))).diagnostics).toEqual([])
  })

  test('a multi-document file says one pipeline per file, at the second document', async () => {
    const { diagnostics } = await check(HEAD + 'tasks: { a: { handler: ./h.ts } }\n---\n' + HEAD)
    expect(diagnostics).toMatchObject([{ code: 'MULTIPLE_DOCUMENTS', line: 5, column: 1 }])
    expect(diagnostics[0]!.message).toContain('one pipeline per file')
  })

  test("a YAML merge key ('<<') is named as one at its line:col, not as a typo of another key", async () => {
    const { diagnostics } = await check(`${HEAD}tasks:\n  a:\n    handler: ./h.ts\n  b:\n    <<: { retries: 2 }\n    handler: ./h.ts\n`)
    expect(diagnostics).toMatchObject([{ code: 'UNKNOWN_KEY', line: 8, column: 5 }])
    expect(diagnostics[0]!.message).toContain("YAML merge keys ('<<') are not supported")
    expect(diagnostics[0]!.message).not.toContain('did you mean')
  })

  test('very long user values are shortened in messages', async () => {
    const { diagnostics } = await check(`${HEAD}tasks:\n  a:\n    handler: ./h.ts\n    inputs: { x: "\${{ ${'tasks.'.repeat(500)}x }}" }\n`)
    expect(diagnostics).toMatchObject([{ code: 'INVALID_REFERENCE' }])
    expect(diagnostics[0]!.message.length).toBeLessThan(300)
  })
})
