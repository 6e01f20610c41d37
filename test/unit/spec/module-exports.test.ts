/** Export names are read from the module text, never by running it. */
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { readModuleExports, resolveModuleFile, stripCommentsAndStrings } from '../../../src/spec/module-exports.ts'

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
  test('keeps the text length-stable enough to find declarations and keeps import specifiers', () => {
    const out = stripCommentsAndStrings('export * from "./x.ts" // note\nconst s = "secret"\n')
    expect(out).toContain('"./x.ts"')
    expect(out).not.toContain('secret')
    expect(out).not.toContain('note')
  })
})
