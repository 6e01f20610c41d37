/**
 * weir as a user gets it (issue 15): the package `npm pack` makes from this checkout (run
 * `npm run build` first; packing here does not rebuild, so that the e2e tests running beside it
 * keep their dist/), and a fresh clone's first `weir`. No network: installs come from the npm cache
 * that `npm ci` of this repository filled (scripts/offline-install.mjs).
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { execFile, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { copyFile, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises'
import { builtinModules } from 'node:module'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { OPTIONAL_AT_RUN_TIME } from '../../scripts/build-options.mjs'
import { installTarballOffline } from '../../scripts/offline-install.mjs'

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

  test('holds no source maps, sources, tests, build scripts, code caches or kept spec plans', () => {
    // A plan is kept in dist/cli/ by any `weir execute` of the clone (src/cli/execute-plan-cache.ts).
    mkdirSync(join(REPO, 'dist/cli/execute-plan.bundle-packed.cjs.plans'), { recursive: true })
    writeFileSync(join(REPO, 'dist/cli/execute-plan.bundle-packed.cjs.plans/0.json'), '{}')
    try {
      const packed = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: REPO, encoding: 'utf8' })
      const now = (JSON.parse(packed.stdout) as [{ files: { path: string }[] }])[0].files.map((f) => f.path)
      expect(now.filter((f) => /\.(map|v8-cache)$|\.plans\//.test(f) || /^(src|test|scripts|bench|pipelines|handlers)\//.test(f))).toEqual([])
    } finally {
      rmSync(join(REPO, 'dist/cli/execute-plan.bundle-packed.cjs.plans'), { recursive: true, force: true })
    }
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

describe('a project made with the packed package: weir init, npm install, its tests and its CI check', () => {
  // No network: npm only reads its cache (the packages and versions this repository's lockfile pins).
  const OFFLINE = { npm_config_offline: 'true', npm_config_audit: 'false', npm_config_fund: 'false' }
  let project: string
  let tarball: string

  beforeAll(async () => {
    expect(existsSync(join(REPO, 'dist/cli/main.js')), 'dist/ is missing: run `npm run build` before the e2e tests').toBe(true)
    const packed = await run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work], REPO)
    expect(packed.code, packed.stderr).toBe(0)
    tarball = join(work, (JSON.parse(packed.stdout) as [{ filename: string }])[0].filename)
    // `weir init` from the packed CLI: the tarball unpacked, with this checkout's node_modules beside it.
    const unpacked = join(work, 'unpacked')
    await mkdir(unpacked)
    expect((await run('tar', ['-xzf', tarball, '-C', unpacked], work)).code).toBe(0)
    await symlink(join(REPO, 'node_modules'), join(unpacked, 'package/node_modules'))
    const init = await run(process.execPath, [join(unpacked, 'package/bin/weir.js'), 'init', 'my-project'], work)
    expect(init.code, init.stderr).toBe(0)
    project = join(work, 'my-project')
    const scaffolded = JSON.parse(readFileSync(join(project, 'package.json'), 'utf8')) as { dependencies: Record<string, string> }
    expect(scaffolded.dependencies).toEqual({ 'weir-pipelines': `^${pkg.version}` })
    // What `npm install` of the published package would do, from the tarball.
    const installed = installTarballOffline({ repoDir: REPO, tarball, projectDir: project, env: { ...process.env, ...OFFLINE } })
    expect(installed.status, `npm ci --offline in the scaffold failed (its packages come from the npm cache that \`npm ci\` of this repository fills; run that first):\n${installed.stdout}${installed.stderr}`).toBe(0)
  }, 300_000)

  const inProject = (command: string, args: string[]): Promise<Ran> => run(command, args, project, OFFLINE)

  test('installs weir-pipelines with its weir command, and no mermaid, esbuild or playwright', () => {
    expect(existsSync(join(project, 'node_modules/.bin/weir'))).toBe(true)
    expect(existsSync(join(project, 'node_modules/weir-pipelines/dist/assets/mermaid.min.js'))).toBe(true)
    for (const name of ['mermaid', 'esbuild', 'playwright-core', 'prettier', 'json-schema-to-typescript']) expect(existsSync(join(project, 'node_modules', name)), name).toBe(false)
  })

  test("the scaffold's own tests pass (npm test)", async () => {
    const tested = await inProject('npm', ['test'])
    expect(tested.code, tested.stdout + tested.stderr).toBe(0)
    expect(tested.stdout).toMatch(/Tests\s+2 passed/)
  }, 120_000)

  /** The `run:` steps of the scaffold's CI workflow after `npm ci` (done above, offline), as argv. */
  function workflowSteps(): string[][] {
    const workflow = readFileSync(join(project, '.github/workflows/pipelines.yml'), 'utf8')
    const steps = [...workflow.matchAll(/^\s+(?:- )?run: (.+)$/gm)].map((m) => m[1]!.split(' '))
    expect(steps[0]).toEqual(['npm', 'ci'])
    return steps.slice(1)
  }

  test("every step of the scaffold's CI workflow passes (what its npm run check runs too)", async () => {
    const steps = workflowSteps()
    expect(steps.map((s) => s.slice(0, 3).join(' '))).toEqual(['npx weir spec', 'npx weir codegen', 'npx tsc', 'npx vitest run'])
    const check = (JSON.parse(readFileSync(join(project, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts.check
    for (const [command, ...args] of steps) {
      expect(check, 'npm run check runs the same commands as CI').toContain(args.filter((a) => a !== '--format' && a !== 'github').join(' '))
      const ran = await inProject(command!, args)
      expect(ran.code, `${command} ${args.join(' ')}:\n${ran.stdout}${ran.stderr}`).toBe(0)
    }
  }, 180_000)

  test('npm start and npm run graph work with the installed package', async () => {
    for (const script of ['start', 'graph']) {
      const ran = await inProject('npm', ['run', script])
      expect(ran.code, `npm run ${script}:\n${ran.stdout}${ran.stderr}`).toBe(0)
    }
    expect(readFileSync(join(project, 'graph.html'), 'utf8')).toContain('mermaid')
  }, 120_000)

  test('the CI check fails when a handler stops matching its spec', async () => {
    const handlers = join(project, 'src/handlers.ts')
    const source = readFileSync(handlers, 'utf8')
    try {
      await writeFile(handlers, source.replace('return { count: greetings.length, longest }', 'return { count: String(greetings.length), longest }'))
      const failed: string[] = []
      for (const [command, ...args] of workflowSteps()) {
        const ran = await inProject(command!, args)
        if (ran.code !== 0) {
          failed.push(`${command} ${args.join(' ')}`)
          expect(ran.stdout + ran.stderr).toMatch(/src\/handlers\.ts.*error TS/)
          break
        }
      }
      expect(failed).toEqual(['npx tsc'])
    } finally {
      await writeFile(handlers, source)
    }
  }, 120_000)
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
