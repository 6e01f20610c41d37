/** Where the CLI finds jiti (src/cli/cached-jiti.ts): where Node would, without reading the package's `exports`. */
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
import { jitiEntry } from '../../../src/cli/cached-jiti.ts'

const root = realpathSync(mkdtempSync(join(tmpdir(), 'weir-jiti-entry-')))
afterAll(() => rmSync(root, { recursive: true, force: true }))

/** A package folder `jiti` under `modules`, with jiti 2's layout unless `layout` is false. */
function fakeJiti(modules: string, layout = true): void {
  const pkg = join(modules, 'jiti')
  mkdirSync(join(pkg, 'lib'), { recursive: true })
  mkdirSync(join(pkg, 'dist'), { recursive: true })
  writeFileSync(join(pkg, 'package.json'), '{ "name": "jiti", "exports": { ".": { "require": "./lib/jiti.cjs" } } }\n')
  if (layout) {
    writeFileSync(join(pkg, 'lib', 'jiti.cjs'), "module.exports = require('../dist/jiti.cjs')\n")
    writeFileSync(join(pkg, 'dist', 'jiti.cjs'), 'module.exports = {}\n')
  } else writeFileSync(join(pkg, 'index.cjs'), 'module.exports = {}\n')
}

describe('jitiEntry', () => {
  test("is the entry require.resolve('jiti') gives, for this repository's build", () => {
    const here = resolve('dist/cli/execute.cjs')
    expect(jitiEntry(here)).toBe(createRequire(here).resolve('jiti'))
  })

  test('takes the nearest node_modules, as Node does', () => {
    const app = join(root, 'nearest')
    fakeJiti(join(app, 'node_modules'))
    fakeJiti(join(app, 'node_modules', 'weir-pipelines', 'node_modules'))
    const here = join(app, 'node_modules', 'weir-pipelines', 'dist', 'cli', 'execute.cjs')
    expect(jitiEntry(here)).toBe(join(app, 'node_modules', 'weir-pipelines', 'node_modules', 'jiti', 'lib', 'jiti.cjs'))
    expect(jitiEntry(join(app, 'other', 'dist', 'cli', 'execute.cjs'))).toBe(join(app, 'node_modules', 'jiti', 'lib', 'jiti.cjs'))
  })

  test('gives the real path through a linked node_modules (the key of Node’s module cache)', () => {
    const real = join(root, 'real-modules')
    fakeJiti(real)
    const app = join(root, 'linked')
    mkdirSync(app)
    symlinkSync(real, join(app, 'node_modules'))
    expect(jitiEntry(join(app, 'dist', 'cli', 'execute.cjs'))).toBe(join(real, 'jiti', 'lib', 'jiti.cjs'))
  })

  test('leaves it to require.resolve when the nearest jiti has another layout, or there is none', () => {
    const app = join(root, 'other-layout')
    fakeJiti(join(app, 'node_modules'))
    fakeJiti(join(app, 'pkg', 'node_modules'), false)
    expect(jitiEntry(join(app, 'pkg', 'dist', 'execute.cjs'))).toBeUndefined()
    expect(jitiEntry(join(root, 'nowhere', 'execute.cjs'))).toBeUndefined()
  })
})
