/**
 * weir as a user gets it (issue 15): the package `npm pack` makes from this checkout (run
 * `npm run build` first; packing here does not rebuild, so that the e2e tests running beside it
 * keep their dist/), and a fresh clone's first `weir`. No network: installs come from the npm cache
 * that `npm ci` of this repository filled (scripts/offline-install.mjs).
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { execFile } from 'node:child_process'
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { copyFile, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises'
import { builtinModules } from 'node:module'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { OPTIONAL_AT_RUN_TIME } from '../../scripts/build-options.mjs'

const REPO = resolve('.')
const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { name: string; version: string; dependencies: Record<string, string> }

interface Ran {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

/** Runs a command (argv, no shell) and collects its output; never rejects. */
function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<Ran> {
  return new Promise((done) => {
    execFile(command, args, { cwd, env: { ...process.env, NO_COLOR: '1', npm_config_update_notifier: 'false', ...env }, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) =>
      done({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
    )
  })
}

/** The package a bare specifier names, or undefined for a relative path, a Node builtin or what is no package name (text in a message). */
function packageOf(specifier: string): string | undefined {
  if (!/^(@[a-z0-9][\w.~-]*\/)?[a-z0-9][\w.~-]*(\/|$)/.test(specifier) || specifier.startsWith('node:') || builtinModules.includes(specifier.split('/')[0]!)) return undefined
  const parts = specifier.split('/')
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? filesUnder(join(dir, entry.name)) : [join(dir, entry.name)]))
}

let work: string
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'weir-pack-'))
})
afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true })
})

describe('the packed package', () => {
  let files: string[]
  beforeAll(async () => {
    expect(existsSync(join(REPO, 'dist/cli/main.js')), 'dist/ is missing: run `npm run build` before the e2e tests').toBe(true)
    const packed = await run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], REPO)
    expect(packed.code, packed.stderr).toBe(0)
    files = (JSON.parse(packed.stdout) as [{ files: { path: string }[] }])[0].files.map((f) => f.path)
  })

  test('holds the CLI, the library, the Mermaid bundle, the schema, the docs and the licences', () => {
    for (const file of ['bin/weir.js', 'dist/cli/main.js', 'dist/index.js', 'dist/index.d.ts', 'dist/plugin.js', 'dist/assets/mermaid.min.js', 'dist/assets/mermaid.LICENSE', 'dist/THIRD-PARTY-LICENSES.md', 'schema/pipeline.schema.json', 'docs/README.md', 'docs/getting-started.md', 'LICENSE', 'README.md', 'package.json'])
      expect(files, file).toContain(file)
  })

  test('holds no source maps, sources, tests or build scripts', () => {
    expect(files.filter((f) => f.endsWith('.map') || /^(src|test|scripts|bench|pipelines|handlers)\//.test(f))).toEqual([])
  })

  test('its code loads only packages it depends on (what is bundled need not be installed)', () => {
    // esbuild writes what it left external with double quotes: `import … from "x";` at the start of
    // a line, `import("x")` and `__require("x")`. (Quoted code inside strings uses single quotes.)
    const loaded = new Map<string, string>()
    for (const file of filesUnder(join(REPO, 'dist')).filter((f) => /\.(js|d\.ts)$/.test(f))) {
      const source = readFileSync(file, 'utf8')
      const specifiers = [
        ...source.matchAll(/^(?:import|export)\s[^'"\n]*?\bfrom\s*"([^"]+)";?$/gm),
        ...source.matchAll(/^import\s*"([^"]+)";?$/gm),
        ...source.matchAll(/\bimport\(\s*"([^"]+)"\s*\)/g),
        ...source.matchAll(/\b__require\(\s*"([^"]+)"\s*\)/g),
      ].map((m) => m[1]!)
      for (const specifier of specifiers) {
        const name = packageOf(specifier)
        if (name !== undefined) loaded.set(name, file.slice(REPO.length + 1))
      }
    }
    expect(loaded.size).toBeGreaterThan(3)
    const missing = [...loaded].filter(([name]) => !(name in pkg.dependencies) && !OPTIONAL_AT_RUN_TIME.includes(name)).map(([name, file]) => `${name} (${file})`)
    expect(missing).toEqual([])
  })
})

describe('a fresh clone', () => {
  /**
   * A clone without dist/: the sources linked in; bin/ and scripts/ copied, since Node resolves a
   * linked module to its real path, and would find this checkout's dist/ and node_modules from there.
   */
  async function makeClone(name: string, withNodeModules: boolean): Promise<string> {
    const clone = join(work, name)
    for (const folder of ['bin', 'scripts']) {
      await mkdir(join(clone, folder), { recursive: true })
      for (const file of readdirSync(join(REPO, folder))) await copyFile(join(REPO, folder, file), join(clone, folder, file))
    }
    for (const entry of ['src', 'schema', 'tsconfig.json', 'tsconfig.build.json', ...(withNodeModules ? ['node_modules'] : [])])
      await symlink(join(REPO, entry), join(clone, entry))
    await writeFile(join(clone, 'package.json'), readFileSync(join(REPO, 'package.json')))
    return clone
  }

  test('builds the CLI at the first `weir`, keeping stdout for the command', async () => {
    const clone = await makeClone('clone', true)
    const ran = await run(process.execPath, [join(clone, 'bin/weir.js'), '--version'], clone)
    expect(ran.code, ran.stderr).toBe(0)
    expect(ran.stdout).toBe(`${pkg.version}\n`)
    expect(ran.stderr).toContain('weir: building the CLI')
    expect(existsSync(join(clone, 'dist/cli/main.js'))).toBe(true)
  }, 240_000)

  test('says what to do when the build tools are not installed (npm install --omit=dev)', async () => {
    const clone = await makeClone('clone-without-dev', false)
    const ran = await run(process.execPath, [join(clone, 'bin/weir.js'), '--version'], clone)
    expect(ran.code).toBe(2)
    expect(ran.stdout).toBe('')
    expect(ran.stderr).toContain('weir: the build failed; run `npm install` (with dev dependencies), then `npm run build`.')
  }, 60_000)
})
