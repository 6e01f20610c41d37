// The `code` part of the cache key: a handler module and its local imports, transitively (issue 12).
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterEach, describe, expect, test } from 'vitest'
import { createCodeHasher } from '../../../../src/runtime/cache/code-hash.ts'

const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

/** A project folder with these files; returns its path. */
function project(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'weir-code-hash-'))
  dirs.push(root)
  write(root, files)
  return root
}

function write(root: string, files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true })
    writeFileSync(join(root, path), text)
  }
}

const FILES = {
  'package.json': '{"type":"module"}',
  'handlers/sales.ts': [
    "import { total } from '../lib/total.js'",
    "import type { Row } from '../lib/types.ts'",
    "import { tableFromArrays } from 'apache-arrow'",
    "export { helper } from './helper'",
    'export async function extract(rows: Row[]) { const lazy = await import("../lib/lazy.ts"); return total(rows) + lazy.n + String(tableFromArrays) }',
  ].join('\n'),
  'handlers/helper.ts': 'export const helper = 1',
  'lib/total.ts': "import { add } from './math/index.ts'\nexport const total = (rows: unknown[]) => add(rows.length, 0)",
  'lib/math/index.ts': 'export const add = (a: number, b: number) => a + b',
  'lib/types.ts': 'export type Row = { n: number }',
  'lib/lazy.ts': 'export const n = 1',
  'lib/unrelated.ts': 'export const x = 1',
  'node_modules/apache-arrow/index.js': 'export const tableFromArrays = 1',
}

const hashOf = (root: string) => createCodeHasher(root).hashModule(join(root, 'handlers/sales.ts'))

describe('code hash', () => {
  test('is the same for the same files, and the same after the project moves', async () => {
    const a = project(FILES)
    const b = project(FILES)
    expect(await hashOf(a)).toMatch(/^[0-9a-f]{64}$/)
    expect(await hashOf(a)).toBe(await hashOf(b))
  })

  test.each([
    ['the handler module', 'handlers/sales.ts'],
    ['a helper it imports (written with a .js extension)', 'lib/total.ts'],
    ['a module imported transitively (a folder index)', 'lib/math/index.ts'],
    ['a module it re-exports from (no extension)', 'handlers/helper.ts'],
    ['a module it imports dynamically with a literal path', 'lib/lazy.ts'],
  ])('changes when %s is edited', async (_what, file) => {
    const root = project(FILES)
    const before = await hashOf(root)
    write(root, { [file]: `${FILES[file as keyof typeof FILES]}\n// edited` })
    expect(await hashOf(root)).not.toBe(before)
  })

  test.each([
    ['an unrelated file', 'lib/unrelated.ts'],
    ['a module imported only with `import type`', 'lib/types.ts'],
    ['a package in node_modules', 'node_modules/apache-arrow/index.js'],
    ['the spec or package.json', 'package.json'],
  ])('does not change when %s is edited', async (_what, file) => {
    const root = project(FILES)
    const before = await hashOf(root)
    write(root, { [file]: `${FILES[file as keyof typeof FILES]}\n// edited` })
    expect(await hashOf(root)).toBe(before)
  })

  test('an import that resolves to nothing counts, so creating the file changes the hash', async () => {
    const root = project({ ...FILES, 'handlers/helper.ts': "import './missing.ts'\nexport const helper = 1" })
    const before = await hashOf(root)
    write(root, { 'handlers/missing.ts': 'export {}' })
    expect(await hashOf(root)).not.toBe(before)
  })

  test('an import that resolves to nothing counts with the files beside where it points: editing one changes the hash', async () => {
    // jiti resolves no `.jsx` for a path without extension; were a loader to, that file is still in the key.
    const root = project({ ...FILES, 'handlers/helper.ts': "import './view'\nexport const helper = 1", 'handlers/view.jsx': 'export const v = 1' })
    const before = await hashOf(root)
    expect(await createCodeHasher(root).filesOf(join(root, 'handlers/sales.ts'))).toHaveProperty(['handlers/helper.ts → ./view'], expect.stringMatching(/^unresolved [0-9a-f]{64}$/))
    write(root, { 'handlers/view.jsx': 'export const v = 2' })
    const edited = await hashOf(root)
    expect(edited).not.toBe(before)
    write(root, { 'handlers/viewer.ts': 'export const unrelated = 1' })
    expect(await hashOf(root)).toBe(edited)
  })

  test('the data beside an optional import is not read: editing it keeps the hash, a module added there changes it (review finding: 600 MB read on every run)', async () => {
    const root = project({ ...FILES, 'handlers/helper.ts': "export const helper = await import('./data').catch(() => null)", 'handlers/data/sales.csv': 'a,b\n1,2\n', 'handlers/data.csv': 'x\n' })
    const before = await hashOf(root)
    write(root, { 'handlers/data/sales.csv': 'a,b\n3,4\n', 'handlers/data.csv': 'y\n' })
    expect(await hashOf(root)).toBe(before)
    write(root, { 'handlers/data/index.ts': 'export const rows = []' })
    expect(await hashOf(root)).not.toBe(before)
  })

  test('a loadable file over 1 MB beside an unresolved import is keyed by its size and modification time, not read', async () => {
    const root = project({ ...FILES, 'handlers/helper.ts': "import './bundle'\nexport const helper = 1", 'handlers/bundle.jsx': `export const big = ${JSON.stringify('x'.repeat(1024 * 1024))}` })
    const before = await hashOf(root)
    utimesSync(join(root, 'handlers/bundle.jsx'), new Date('2020-01-01T00:00:00Z'), new Date('2020-01-01T00:00:00Z'))
    expect(await hashOf(root)).not.toBe(before)
  })

  test('a module reached through a linked folder imports relative to where it really is, as the loader does', async () => {
    const root = project({
      'package.json': '{"type":"module"}',
      'handlers/t.ts': "import { a } from './lib/a.ts'\nexport const t = () => a()",
      // What `../util.ts` would be from the link's path: not what is loaded.
      'handlers/util.ts': 'export const u = "not imported"',
    })
    const shared = project({ 'util.ts': 'export const u = "shared"', 'lib/a.ts': "import { u } from '../util.ts'\nexport const a = () => u" })
    symlinkSync(join(shared, 'lib'), join(root, 'handlers', 'lib'))
    const hash = () => createCodeHasher(root).hashModule(join(root, 'handlers/t.ts'))
    const before = await hash()
    write(root, { 'handlers/util.ts': 'export const u = "still not imported"' })
    expect(await hash()).toBe(before)
    write(shared, { 'util.ts': 'export const u = "shared, edited"' })
    expect(await hash()).not.toBe(before)
  })

  test('follows the loader (jiti, run here) where several files could answer an import', async () => {
    const cases = {
      'dep': { 'dep.ts': 'ts', 'dep.js': 'js' },
      'vendor/withmain': { 'vendor/withmain/package.json': '{"main":"lib.js"}', 'vendor/withmain/lib.js': 'main' },
      'vendor/both': { 'vendor/both/package.json': '{"main":"lib.js"}', 'vendor/both/lib.js': 'main', 'vendor/both/index.js': 'index' },
      'vendor/nested': { 'vendor/nested/package.json': '{"main":"sub"}', 'vendor/nested/sub/index.js': 'sub index' },
      'idx': { 'idx/index.ts': 'ts index', 'idx/index.js': 'js index' },
      'swap/s.js': { 'swap/s.ts': 'ts for a .js name' },
    }
    const files: Record<string, string> = { 'package.json': '{"type":"module"}' }
    const names = Object.keys(cases)
    names.forEach((spec, i) => {
      for (const [path, said] of Object.entries(cases[spec as keyof typeof cases])) files[`h/${path}`] = path.endsWith('.json') ? said : `export const v${i} = ${JSON.stringify(`${path}: ${said}`)}`
    })
    files['h/t.ts'] = `${names.map((spec, i) => `import { v${i} } from './${spec}'`).join('\n')}\nexport const t = [${names.map((_, i) => `v${i}`).join(', ')}]`
    const root = project(files)
    const { createJiti } = await import('jiti')
    const loaded = ((await createJiti(import.meta.url, { interopDefault: false, fsCache: false, moduleCache: false }).import(join(root, 'h/t.ts'))) as { t: string[] }).t.map((said) => `h/${said.split(':')[0]}`)
    const hashed = Object.keys(await createCodeHasher(root).filesOf(join(root, 'h/t.ts')))
    expect(loaded).toEqual(['h/dep.js', 'h/vendor/withmain/lib.js', 'h/vendor/both/index.js', 'h/vendor/nested/sub/index.js', 'h/idx/index.js', 'h/swap/s.ts'])
    expect(hashed.sort()).toEqual(['h/t.ts', ...loaded].sort())
    // Editing what is loaded changes the key; the file beside it that is not loaded does not.
    const before = await createCodeHasher(root).hashModule(join(root, 'h/t.ts'))
    write(root, { 'h/dep.ts': 'export const v0 = "ts, edited"' })
    expect(await createCodeHasher(root).hashModule(join(root, 'h/t.ts'))).toBe(before)
    write(root, { 'h/vendor/withmain/lib.js': 'export const v1 = "main, edited"' })
    expect(await createCodeHasher(root).hashModule(join(root, 'h/t.ts'))).not.toBe(before)
  })

  test('reads each module once per hasher: shared helpers are hashed once per run, not once per task', async () => {
    const root = project({ ...FILES, 'handlers/other.ts': "import { total } from '../lib/total.ts'\nexport const other = total" })
    const hasher = createCodeHasher(root)
    const first = await hasher.hashModule(join(root, 'handlers/sales.ts'))
    // Edits after the first look are not seen by the same hasher (one run sees one version of the code).
    write(root, { 'lib/total.ts': 'export const total = 2' })
    expect(await hasher.hashModule(join(root, 'handlers/sales.ts'))).toBe(first)
    const other = await hasher.hashModule(join(root, 'handlers/other.ts'))
    const fresh = project({ ...FILES, 'handlers/other.ts': "import { total } from '../lib/total.ts'\nexport const other = total" })
    expect(other).toBe(await createCodeHasher(fresh).hashModule(join(fresh, 'handlers/other.ts')))
  })

  test('follows imports in modules the lexer cannot read (JSX) with a plain scan', async () => {
    const root = project({ ...FILES, 'handlers/view.tsx': "import { total } from '../lib/total.ts'\nexport const view = () => <div>{total([])}</div>" })
    const hash = () => createCodeHasher(root).hashModule(join(root, 'handlers/view.tsx'))
    const before = await hash()
    write(root, { 'lib/total.ts': 'export const total = () => 3' })
    expect(await hash()).not.toBe(before)
  })

  test('a handler file copied elsewhere with its imports keeps its hash (paths are relative to the project)', async () => {
    const a = project(FILES)
    const b = mkdtempSync(join(tmpdir(), 'weir-code-hash-moved-'))
    dirs.push(b)
    cpSync(a, join(b, 'deep', 'project'), { recursive: true })
    expect(await hashOf(join(b, 'deep', 'project'))).toBe(await hashOf(a))
  })
})
