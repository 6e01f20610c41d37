/** Export names are read from the module text, never by running it. */
import { mkdtemp, rm, writeFile, mkdir, truncate } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { loadModuleLexer, MAX_MODULE_BYTES, readModuleExports, resolveModuleFile, stripCommentsAndStrings } from '../../../src/spec/module-exports.ts'
import { validateSpecFile } from '../../../src/spec/validate.ts'
import { testCatalog } from './support.ts'

let dir: string
const write = async (name: string, code: string): Promise<string> => {
  const path = join(dir, name)
  await writeFile(path, code)
  return path
}
const exportsOf = async (code: string) => {
  const { names, typeNames, open } = readModuleExports(await write(`m${Math.random().toString(36).slice(2)}.ts`, code))
  return { names: [...names].sort(), typeNames: [...typeNames].sort(), open }
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'weir-exports-'))
  await loadModuleLexer()
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('readModuleExports', () => {
  test('declarations: functions, async and generator functions, const/let/var, classes', async () => {
    const code = `export function a() {}\nexport async function b() {}\nexport function* c() {}\nexport const d = () => 1\nexport let e = 1\nexport var f = 1\nexport class G {}\nexport abstract class H {}\nexport declare function i(): void\n`
    expect((await exportsOf(code)).names).toEqual(['G', 'H', 'a', 'b', 'c', 'd', 'e', 'f', 'i'])
  })

  test('export lists with aliases, `as default`, and type-only entries', async () => {
    const code = `function impl() {}\nconst x = 1\nexport { impl as run, x, impl as default }\nexport { type T, x as y }\ntype T = number\n`
    expect(await exportsOf(code)).toEqual({ names: ['default', 'run', 'x', 'y'], typeNames: ['T'], open: false })
  })

  test('default exports of every form', async () => {
    for (const code of ['export default function () {}', 'export default async function named() {}', 'export default class {}', 'export default 42'])
      expect((await exportsOf(code)).names).toEqual(['default'])
  })

  test('`export type` and `export interface` are types, not handlers', async () => {
    expect(await exportsOf('export type A = 1\nexport interface B {}\nexport type { C } from "./c"\n')).toEqual({ names: [], typeNames: ['A', 'B', 'C'], open: false })
  })

  test('`export * from` follows relative modules (without their default) and marks packages as open', async () => {
    await mkdir(join(dir, 'lib'), { recursive: true })
    await write('lib/index.ts', 'export function deep() {}\nexport default function hidden() {}\n')
    await write('inner.ts', 'export * from "./lib"\nexport const inner = 1\n')
    expect(await exportsOf('export * from "./inner.js"\nexport * as ns from "./inner.ts"\n')).toEqual({ names: ['deep', 'inner', 'ns'], typeNames: [], open: false })
    expect((await exportsOf('export * from "some-package"\n')).open).toBe(true)
  })

  test('re-export cycles terminate', async () => {
    await write('cycle-a.ts', 'export * from "./cycle-b.ts"\nexport const a = 1\n')
    await write('cycle-b.ts', 'export * from "./cycle-a.ts"\nexport const b = 1\n')
    expect((await exportsOf('export * from "./cycle-a.ts"\n')).names).toEqual(['a', 'b'])
  })

  test("comments and strings that contain 'export' are not exports", async () => {
    const code = [
      '// export function lineComment() {}',
      '/* export const blockComment = 1',
      '   export class AlsoComment {} */',
      'const s = "export function inDoubleQuotes() {}"',
      "const t = 'export const inSingleQuotes = 1'",
      'const u = `export class InTemplate {} ${1}`',
      'const v = "escaped \\" export function afterEscape() {}"',
      'export const real = 1',
    ].join('\n')
    expect((await exportsOf(code)).names).toEqual(['real'])
  })

  test('CommonJS modules are open: their exports cannot be listed statically', async () => {
    expect((await exportsOf('module.exports = { run() {} }\n')).open).toBe(true)
    expect((await exportsOf('exports.run = () => 1\n')).open).toBe(true)
  })
})

describe('syntax errors found without running the module (issue 15)', () => {
  const syntaxOf = async (code: string, ext = 'ts') => readModuleExports(await write(`s${Math.random().toString(36).slice(2)}.${ext}`, code)).syntaxError

  test.each([
    ['an unterminated string', "export function run() {\n  return 'abc\n}\n", 2, 14, 'a string or regular expression is not closed on this line'],
    ['an unterminated template', 'export function run() {\n  return `abc\n}\n', 4, 1, 'the file ends before a bracket, string or template opened earlier is closed'],
    ['an unclosed brace', 'export async function run(inputs) {\n  return inputs\n', 3, 1, 'the file ends before a bracket, string or template opened earlier is closed'],
    ['an unclosed parenthesis', 'export async function run(inputs {\n  return inputs\n}\n', 4, 1, 'the file ends before a bracket, string or template opened earlier is closed'],
    ['a brace too many', 'export function run() {\n  return 1\n}}\n', 3, 2, "'}' has no matching opening bracket (check the brackets before it)"],
    ['a parenthesis too many', 'export function run() {\n  return 1)\n}\n', 3, 1, "'}' has no matching opening bracket (check the brackets before it)"],
  ])('%s is reported with its line, column and reason', async (_what, code, line, column, reason) => {
    expect(await syntaxOf(code)).toEqual({ file: expect.stringMatching(/\.ts$/), line, column, reason })
  })

  test.each([
    ['types, generics and arrow generics', `export async function run<T extends { a: number }>(inputs: Array<T>, ctx: Ctx<T>): Promise<Map<string, T[]>> { const half = inputs.length / 2; return new Map<string, T[]>() }\nexport const id = <T,>(x: T): T => x\ntype Ctx<T> = { values: T }\n`],
    ['decorators and parameter properties', `function dec(..._a: unknown[]) {}\n@dec\nexport class Svc { constructor(private readonly n: number, public m = 2) {}\n  @dec run(@dec x: number) { return x / this.n } }\nexport function run() { return new Svc(1) }\n`],
    ['enums, const enums and namespaces', `export enum Color { Red = 1, Green = 2 }\nexport const enum E { A }\nexport namespace NS { export const x = 1 }\nexport function run(c: Color) { return c === Color.Red ? /re/.test('a') : 1 / 2 }\n`],
    ['satisfies, as, non-null and angle-bracket assertions', `export const cfg = { a: 1 } satisfies Record<string, number>\nexport function run(x?: { a: number[] }, y?: unknown) { return x!.a[0]! / (<number>y) }\nexport const f = ((x: number) => x / 2) as (x: number) => number\n`],
    ['overloads, declare, abstract classes and accessors', `export function run(x: string): string\nexport function run(x: number): number\nexport function run(x: any) { return x }\nexport declare const d: number\nexport abstract class B { abstract m(): void; accessor y = 1; #p = 2; static {} }\n`],
    ['conditional and mapped types, type guards, import =', `import fs = require('fs')\ntype M<T> = { readonly [K in keyof T]-?: T[K] extends string ? 'a' : 'b' }\nexport function isS(x: unknown): x is string { return typeof x === 'string' }\nexport function run() { return fs }\n`],
    ['a hashbang, regular expressions and templates', "#!/usr/bin/env node\nexport function run(s: string) { if (s) /x/.test(s); return `a ${s.replace(/a\\/b/g, '')} ${`nested ${1 / 2}`}` }\n"],
  ])('valid TypeScript is never reported: %s', async (_what, code) => {
    expect(await syntaxOf(code)).toBeUndefined()
  })

  test('JSX modules are not checked (the lexer does not read JSX text)', async () => {
    expect(await syntaxOf(`export function Card() { return <p>Don't panic {"}"}</p> }\nexport function run() {}\n`, 'tsx')).toBeUndefined()
  })

  test('a syntax error in a module re-exported with export * is the handler module\'s error too', async () => {
    await write('broken-inner.ts', "export function inner() {\n  return 'x\n}\n")
    const found = await syntaxOf('export * from "./broken-inner.ts"\nexport function run() {}\n')
    expect(found).toMatchObject({ file: join(dir, 'broken-inner.ts'), line: 2, column: 12 })
  })
})

describe('exports that are evidently not functions (issue 15)', () => {
  const notFunctionsOf = async (code: string) =>
    Object.fromEntries([...readModuleExports(await write(`n${Math.random().toString(36).slice(2)}.ts`, code)).notFunctions].map(([name, { file: _file, ...where }]) => [name, where]))

  test('numbers, strings, templates, objects, arrays, booleans, null and regular expressions are reported with where they are', async () => {
    const code = [
      'export const n = 5',
      'export const negative: number = -1.5',
      'export const s = "str"',
      "export const t = `tmpl ${1}`",
      'export const o = { run() {} }',
      'export const a = [() => 1]',
      'export const b = true',
      'export const z = null',
      'export const r = /x/g',
      'export default 42',
    ].join('\n')
    expect(await notFunctionsOf(code)).toEqual({
      n: { kind: 'a number', line: 1, column: 14 },
      negative: { kind: 'a number', line: 2, column: 14 },
      s: { kind: 'a string', line: 3, column: 14 },
      t: { kind: 'a string', line: 4, column: 14 },
      o: { kind: 'an object', line: 5, column: 14 },
      a: { kind: 'an array', line: 6, column: 14 },
      b: { kind: 'a boolean', line: 7, column: 14 },
      z: { kind: 'null', line: 8, column: 14 },
      r: { kind: 'a regular expression', line: 9, column: 14 },
      default: { kind: 'a number', line: 10, column: 8 },
    })
  })

  test('classes are reported: a class cannot be called without new, as weir calls a handler', async () => {
    const code = ['export class C {}', 'export default class {}', 'export abstract class A {}', 'export const K = class {}', 'export declare class D {}'].join('\n')
    expect(await notFunctionsOf(code)).toEqual({
      C: { kind: 'a class', line: 1, column: 14 },
      default: { kind: 'a class', line: 2, column: 8 },
      A: { kind: 'a class', line: 3, column: 23 },
      K: { kind: 'a class', line: 4, column: 14 },
      D: { kind: 'a class', line: 5, column: 22 },
    })
  })

  test('functions and anything not evident are not reported', async () => {
    const code = [
      'export function f() {}',
      'export const arrow = () => 1',
      'export const typed: (x: number) => number = (x) => x',
      'export const generic = <T,>(x: T) => x',
      'export const made = makeHandler()',
      'export const built = new Builder()',
      'export const wrapped = (5)',
      'export let later = 5',
      'export var old = "x"',
      'const local = 5',
      'export { local }',
      '// export const commented = 5',
      'const text = "export const inString = 5"',
    ].join('\n')
    expect(await notFunctionsOf(code)).toEqual({})
  })
})

test('an export re-exported with export * is reported in the module that declares it', async () => {
  await write('values-inner.ts', '\n\nexport const limit = 10\n')
  const { notFunctions } = readModuleExports(await write('values-outer.ts', 'export * from "./values-inner.ts"\n'))
  expect(notFunctions.get('limit')).toEqual({ kind: 'a number', file: join(dir, 'values-inner.ts'), line: 3, column: 14 })
})

test('names the files it read: the module and the modules it re-exports (weir ui watches them)', async () => {
  await write('files-inner.ts', 'export async function inner() {}\n')
  const outer = await write('files-outer.ts', 'export * from "./files-inner.ts"\nexport * from "some-package"\n')
  expect(readModuleExports(outer).files).toEqual([outer, join(dir, 'files-inner.ts')])
})

describe('resolveModuleFile', () => {
  test('tries extensions, maps .js to .ts as TypeScript does, and finds index files', async () => {
    const ts = await write('resolve-me.ts', '')
    expect(resolveModuleFile(join(dir, 'resolve-me'))).toBe(ts)
    expect(resolveModuleFile(join(dir, 'resolve-me.js'))).toBe(ts)
    expect(resolveModuleFile(join(dir, 'lib'))).toBe(join(dir, 'lib', 'index.ts'))
    expect(resolveModuleFile(join(dir, 'nothing-here'))).toBeUndefined()
  })
})

describe('stripCommentsAndStrings', () => {
  test('keeps every character in place (so offsets are the source\'s) and keeps import specifiers', () => {
    const source = 'export * from "./x.ts" // note\nconst s = "secret" /* block\ncomment */ + 1\n'
    const out = stripCommentsAndStrings(source)
    expect(out.length).toBe(source.length)
    expect(out.split('\n').map((l) => l.length)).toEqual(source.split('\n').map((l) => l.length))
    expect(out).toContain('"./x.ts"')
    expect(out).not.toContain('secret')
    expect(out).not.toContain('note')
  })
})

describe('a module too large to read (a sparse file of gigabytes took 23 s and 4 GB before V8 gave up)', () => {
  /** A sparse file: as large as it says, without using the disk. */
  const sparse = async (name: string, bytes: number): Promise<string> => {
    const path = await write(name, 'export function x() {}\n')
    await truncate(path, bytes)
    return path
  }

  test('is not read: its exports are unknown, and it says which file and how large', async () => {
    const path = await sparse('huge.js', 3 * 1024 ** 3)
    expect(readModuleExports(path)).toMatchObject({ open: true, tooLarge: { file: path, bytes: 3 * 1024 ** 3 } })
    // Re-exported: the module that re-exports it is read, the large one is not.
    const outer = await write('outer.ts', "export * from './huge.js'\nexport function own() {}\n")
    const exports = readModuleExports(outer)
    expect([...exports.names]).toEqual(['own'])
    expect(exports).toMatchObject({ open: true, tooLarge: { file: path } })
  })

  test('a module of the limit is read as any other', async () => {
    const path = await sparse('at-limit.js', MAX_MODULE_BYTES)
    expect(readModuleExports(path)).toMatchObject({ names: new Set(['x']), open: false })
    expect(readModuleExports(path).tooLarge).toBeUndefined()
  })

  test('spec validate warns at the handler reference instead of checking the export', async () => {
    await sparse('sparse.js', 3 * 1024 ** 3)
    await write('package.json', '{}')
    const spec = await write('large.yaml', 'apiVersion: weir/v1\nkind: Pipeline\nname: large\ntasks:\n  t:\n    handler: ./sparse.js#x\n  u:\n    handler: ./outer.ts#own\n')
    const { diagnostics } = await validateSpecFile(spec, { plugins: testCatalog, projectRoot: dir })
    expect(diagnostics.map((d) => [d.severity, d.code, d.line, d.column, d.message])).toEqual([
      ['warning', 'HANDLER_NOT_CHECKED', 6, 14, "Handler module './sparse.js' of task 't' is 3.0 GB, more than the 50 MB weir reads to find exports, so 'x' is not checked; the run loads the module and fails the task if the export is missing."],
    ])
  })
})
