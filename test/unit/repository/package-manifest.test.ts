/**
 * What `npm install weir-pipelines` brings into a user's project (issue 15): only what weir needs
 * at run time. Mermaid (its browser bundle ships inside dist/), playwright-core (tests, bench) and
 * esbuild (the build) are dev dependencies; nothing runs at install time; a LICENSE ships.
 * test/e2e/pack-init.test.ts checks the packed tarball itself.
 */
import { describe, expect, test } from 'vitest'
import { builtinModules } from 'node:module'
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { join, relative } from 'node:path'
import { EXTERNAL, OPTIONAL_AT_RUN_TIME, undeclaredExternals } from '../../../scripts/build-options.mjs'

interface Manifest {
  readonly license: string
  readonly files: string[]
  readonly scripts: Record<string, string>
  readonly dependencies: Record<string, string>
  readonly devDependencies: Record<string, string>
}
const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as Manifest

const declared = new Set([...Object.keys(pkg.dependencies), ...Object.keys(pkg.devDependencies)])
const runtime = new Set([...Object.keys(pkg.dependencies), ...OPTIONAL_AT_RUN_TIME])

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return sourceFiles(path)
    return /\.ts$/.test(entry.name) ? [path] : []
  })
}

/** The package a bare specifier names (`@scope/name/sub` → `@scope/name`), or undefined for a path or builtin. */
function packageOf(specifier: string): string | undefined {
  if (specifier.startsWith('.') || specifier.startsWith('node:') || builtinModules.includes(specifier.split('/')[0]!)) return undefined
  const parts = specifier.split('/')
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]
}

/** Modules a source file imports (static, not `import type`, and `import()`): the bundler sees these. */
function importsOf(source: string): string[] {
  const found: string[] = []
  for (const m of source.matchAll(/^\s*(?:import|export)\s+(?!type\b)[^'"]*?from\s+'([^']+)'/gm)) found.push(m[1]!)
  for (const m of source.matchAll(/^\s*import\s+'([^']+)'/gm)) found.push(m[1]!)
  // `import('x')` in a type position (`typeof import('x')`, `import('x').T`) loads nothing.
  for (const m of source.matchAll(/(?<!typeof\s+|[<(:|,]\s*)\bimport\(\s*'([^']+)'\s*\)(?!\.)/g)) found.push(m[1]!)
  return found
}

/** Modules a source file loads through `require(…)` or `createRequire(…)(…)`: the bundler leaves these to node_modules. */
function requiresOf(source: string): string[] {
  return [...source.matchAll(/\brequire\(\s*'([^']+)'\s*\)|\)\(\s*'([^']+)'\s*\)/g)].map((m) => (m[1] ?? m[2])!)
}

/** `file: specifier` for each package a file loads that `allowed` does not hold. */
function outside(allowed: Set<string>, file: string, specifiers: string[]): string[] {
  return specifiers.filter((s) => {
    const name = packageOf(s)
    return name !== undefined && !allowed.has(name)
  }).map((s) => `${file}: ${s}`)
}

const shippedSources = sourceFiles('src')
  // The scaffold's files are another project's code, kept in template strings.
  .filter((f) => !f.startsWith(join('src', 'init-template')))
  .map((file) => ({ file: relative('.', file), source: readFileSync(file, 'utf8') }))

describe('the published package', () => {
  test('mermaid, playwright-core and esbuild are dev dependencies', () => {
    for (const name of ['mermaid', 'playwright-core', 'esbuild']) {
      expect(pkg.dependencies, name).not.toHaveProperty(name)
      expect(pkg.devDependencies, name).toHaveProperty(name)
    }
  })

  test('shipped code imports only packages package.json declares', () => {
    const allowed = new Set([...declared, ...runtime])
    expect(shippedSources.flatMap(({ file, source }) => outside(allowed, file, [...importsOf(source), ...requiresOf(source)]))).toEqual([])
  })

  test('what the build leaves to node_modules, and what code requires at run time, are dependencies', () => {
    const external = EXTERNAL.map((e) => e.replace(/\/\*$/, ''))
    expect(external.filter((name) => !runtime.has(name))).toEqual([])
    expect(shippedSources.flatMap(({ file, source }) => outside(runtime, file, requiresOf(source)))).toEqual([])
  })

  test('the build refuses bundles that load an undeclared package from node_modules', () => {
    const imports = [
      { path: 'ajv', external: true },
      { path: 'ajv/dist/2020.js', external: true },
      { path: 'node:fs', external: true },
      { path: 'fs', external: true },
      { path: '@scope/pkg/sub', external: true },
      { path: 'cli-color', external: true },
      { path: 'bundled', external: false },
    ]
    expect(undeclaredExternals({ outputs: { 'dist/x.js': { imports } } }, { ajv: '^8' })).toEqual(['@scope/pkg'])
  })

  test('nothing runs when it is installed (no prepare, preinstall, install or postinstall)', () => {
    for (const hook of ['prepare', 'preinstall', 'install', 'postinstall']) expect(pkg.scripts, hook).not.toHaveProperty(hook)
  })

  test('ships its licence, its docs and no source maps', () => {
    expect(pkg.license).toBe('Apache-2.0')
    expect(existsSync('LICENSE')).toBe(true)
    expect(readFileSync('LICENSE', 'utf8')).toMatch(/^\s*Apache License\s+Version 2\.0, January 2004/)
    expect(pkg.files).toEqual(expect.arrayContaining(['bin', 'dist', 'schema', 'docs', '!dist/**/*.map']))
  })
})
