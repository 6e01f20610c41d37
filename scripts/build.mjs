// Bundles the CLI and the library with esbuild. Bundling matters for start-up time: one file
// loads about twice as fast as the same modules resolved one by one. Heavy or native packages
// stay external (scripts/build-options.mjs) and are imported lazily by the commands that need them.
//
// It also decides what users install: a bundled package is a devDependency. Mermaid's browser
// bundle for `weir graph --format html` is copied to dist/assets/ (one 3.5 MB file instead of
// mermaid's 150 MB of dependencies), and json-schema-to-typescript is bundled with prettier's
// standalone TypeScript formatter (instead of 24 MB). The licences of everything bundled are
// written to dist/THIRD-PARTY-LICENSES.md. No source maps (they would double the package);
// WEIR_SOURCEMAP=1 writes linked ones for debugging.
import { copyFileSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join, relative, resolve } from 'node:path'
import { build } from 'esbuild'
import { EXTERNAL, undeclaredExternals } from './build-options.mjs'
import { buildCachedBundle, buildCachedEntry, buildEntryFile, warmCodeCaches } from './build-cached-entry.mjs'

const require = createRequire(import.meta.url)
// Bundled CommonJS code (the standalone Ajv validator) calls require(); ESM has none.
const ESM_BANNER = "import { createRequire as __weirCreateRequire } from 'node:module'; const require = __weirCreateRequire(import.meta.url);"

// Chunk names carry a content hash: without a clean folder, stale chunks would pile up and ship.
rmSync('dist', { recursive: true, force: true })

/** Every `import 'prettier'` (json-schema-to-typescript's and weir's) gets the standalone formatter. */
const prettierStandalone = {
  name: 'prettier-standalone',
  setup(build) {
    build.onResolve({ filter: /^prettier$/ }, () => ({ path: resolve('scripts/prettier-standalone.mjs') }))
  },
}

const result = await build({
  entryPoints: { 'cli/main': 'src/cli/main.ts', index: 'src/index.ts', plugin: 'src/plugin.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: EXTERNAL,
  plugins: [prettierStandalone],
  metafile: true,
  sourcemap: process.env.WEIR_SOURCEMAP === '1' ? 'linked' : false,
  chunkNames: 'chunks/[name]-[hash]',
  banner: { js: ESM_BANNER },
  logLevel: 'warning',
})

// weir ui's page (src/ui/app): preact and dagre bundled for the browser into dist/ui/, with the
// layout in a Web Worker of its own. Everything the page loads is in these files (no CDN).
const uiBuild = await build({
  entryPoints: { app: 'src/ui/app/main.tsx', 'layout-worker': 'src/ui/app/layout-worker.ts', app_css: 'src/ui/app/styles.css' },
  outdir: 'dist/ui',
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  jsx: 'automatic',
  jsxImportSource: 'preact',
  minify: true,
  metafile: true,
  legalComments: 'none',
  entryNames: '[name]',
  logLevel: 'warning',
})
renameSync('dist/ui/app_css.css', 'dist/ui/app.css')

// The commands started most often, and whose start-up is most of their time, get an entry each:
// `weir execute` (every remote task, every `--executor subprocess` attempt) and `weir spec validate`.
// Each is one CommonJS bundle run with a V8 code cache (scripts/build-cached-entry.mjs says how),
// since compiling their code was most of their start. `weir run` gets an ES module entry of its own,
// with chunks of its own: what it always needs in its one file, what it loads lazily (Ajv's runtime,
// an IoManager's implementation, croner…) in chunks, instead of a few dozen chunks shared with every
// other command. bin/weir.js picks them; the main entry runs the same commands the same way.
// `spec validate --typecheck` and `--target` are left to the main entry (bin/weir.js sends them
// there), so their code is not built in twice.
/**
 * What the plan bundle of `weir execute` never needs: the YAML parsers, the spec's validation (the
 * generated validators, the schema, the rules), the plugin catalog with the target generators.
 */
const NOT_IN_PLAN_BUNDLE = [/node_modules\/(yaml|js-yaml)\//, /^src\/spec\/(generated\/|rules\/index|validate\.ts$|parse\.ts$|fast-parse\.ts$|block-yaml\.ts$|check-shape\.ts$|check-structure\.ts$)/, /^schema\//, /^src\/plugins\/(targets\/|catalog\.ts$|builtins\.ts$)/]
/**
 * Leaves the modules whose path (from the repository's root) `pattern` matches out of a cached bundle:
 * bin/weir.js sends what needs them to dist/cli/main.js. Matched on the resolved path, since the
 * import's own text is relative ('../target-reports.ts').
 */
const leftToMainEntry = (pattern) => ({
  name: 'left-to-main-entry',
  setup(build) {
    build.onResolve({ filter: /\.ts$/ }, (args) => (pattern.test(relative(process.cwd(), resolve(args.resolveDir, args.path)).replaceAll('\\', '/')) ? { path: 'left-to-main-entry', namespace: 'left-to-main-entry' } : undefined))
    build.onLoad({ filter: /.*/, namespace: 'left-to-main-entry' }, () => ({ contents: "throw new Error('this option is handled by the main entry (dist/cli/main.js), not by this dedicated one')", loader: 'js' }))
  },
})
const TYPECHECK_AND_TARGETS = /^src\/(?:codegen\/typecheck|cli\/target-reports)\.ts$/
const addMetafiles = (metafiles) => {
  for (const metafile of metafiles) {
    for (const [key, value] of Object.entries(metafile.inputs)) result.metafile.inputs[key] ??= value
    Object.assign(result.metafile.outputs, metafile.outputs)
  }
}
const cachedOptions = { external: EXTERNAL, plugins: [prettierStandalone, leftToMainEntry(TYPECHECK_AND_TARGETS)], banner: ESM_BANNER }
addMetafiles(await buildCachedEntry({ name: 'validate', source: 'src/cli/validate-main.ts', ...cachedOptions }))
// `weir execute` has two bundles, and its entry (src/cli/start-execute.ts) picks one: a process the
// subprocess executor started with its run's spec plan reads the spec's data from the plan, so its
// bundle leaves out what reads and checks YAML; everything else runs the full bundle.
{
  const full = await buildCachedBundle({ name: 'execute', source: 'src/cli/execute-main.ts', ...cachedOptions })
  const plan = await buildCachedBundle({ name: 'execute-plan', source: 'src/cli/execute-plan-main.ts', ...cachedOptions })
  // Every one of its bytes is read, and every function in it compiled into its code cache, at each
  // start: the plan bundle must not grow back into the full one.
  const needless = Object.keys(plan.metafiles[0].inputs).filter((input) => NOT_IN_PLAN_BUNDLE.some((pattern) => pattern.test(input)))
  if (needless.length > 0) throw new Error(`the plan bundle of weir execute (src/cli/execute-plan-main.ts) includes ${needless.join(', ')}; it reads the spec plan and never validates: import that where only the full entry loads it`)
  const entry = await buildEntryFile('execute', `import { startExecute } from './start-execute.ts'\nconst { join } = require('node:path')\nstartExecute(__filename, join(__dirname, ${JSON.stringify(full.bundleFile)}), join(__dirname, ${JSON.stringify(plan.bundleFile)}))\n`)
  addMetafiles([...full.metafiles, ...plan.metafiles, entry])
}
// `weir run` too: a run of a small spec spent most of its start loading ES module chunks, which
// Node 20 compiles afresh in every process (it keeps no code cache for them).
{
  const metafiles = await buildCachedEntry({ name: 'run', source: 'src/cli/run-main.ts', ...cachedOptions })
  addMetafiles(metafiles)
  // A run generates no job: the target plugins' generators must not run at its start. In the one
  // file they are modules initialised on first use, as long as only an import() reaches them
  // (src/plugins/catalog.ts): a static import from anything a run loads at start would run them.
  const inputs = metafiles[0].inputs
  const atStart = new Set()
  const visit = (input) => {
    if (atStart.has(input) || !inputs[input]) return
    atStart.add(input)
    for (const imported of inputs[input].imports) if (imported.kind === 'import-statement' || imported.kind === 'require-call') visit(imported.path)
  }
  visit('src/cli/run-main.ts')
  const eager = [...atStart].filter((input) => /plugins\/targets\/[^/]+\/generate\.ts$/.test(input))
  if (eager.length > 0) throw new Error(`weir run's entry loads ${eager.join(', ')} at start; import the target plugins lazily (see src/plugins/catalog.ts)`)
}

// Every other command (`weir runs`, `weir graph`, `weir ui`, `weir init`, `--help`…) starts from one
// more cached bundle, dist/cli/main.cjs, with a code cache per command (src/cli/main-cache-name.ts):
// through the ES module entry each of them spent ~60 ms compiling chunks. Left out, to the ES module
// entry: `weir codegen` and `weir init`, which generate types (json-schema-to-typescript with
// prettier: 2.5 MB that every start would read), and the options already left out of the validate entry.
{
  const main = await buildCachedBundle({ name: 'main', source: 'src/cli/main.ts', ...cachedOptions, plugins: [prettierStandalone, leftToMainEntry(/^src\/(?:codegen\/typecheck|cli\/target-reports|cli\/commands\/codegen|codegen\/generate-types)\.ts$/)] })
  const entry = await buildEntryFile('main', `import { runCachedBundle } from './run-cached-bundle.ts'\nimport { mainCacheName } from './main-cache-name.ts'\nrunCachedBundle(__filename, require('node:path').join(__dirname, ${JSON.stringify(main.bundleFile)}), mainCacheName(process.argv.slice(2)))\n`)
  addMetafiles([...main.metafiles, entry])
}

const undeclared = undeclaredExternals(result.metafile, JSON.parse(readFileSync('package.json', 'utf8')).dependencies)
if (undeclared.length > 0) throw new Error(`dist/ loads ${undeclared.join(', ')} from node_modules, but package.json does not list them under dependencies: users would not have them`)

writeFileSync('dist/THIRD-PARTY-LICENSES.md', thirdPartyLicenses([...Object.keys(result.metafile.inputs), ...Object.keys(uiBuild.metafile.inputs)]))

/** The licence texts of the packages whose code esbuild put into dist/. */
function thirdPartyLicenses(inputs) {
  const folders = new Set()
  for (const input of inputs) {
    const match = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input.replaceAll('\\', '/'))
    if (match) folders.add(match[1])
  }
  const sections = [...folders].map((folder) => {
    const pkg = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8'))
    const notices = readdirSync(folder).filter((f) => /^(licen[cs]e|copying|notice|third-party-notices)/i.test(f)).sort()
    if (notices.length === 0) throw new Error(`${pkg.name} is bundled into dist/ but has no licence file to ship with it`)
    const texts = notices.map((f) => readFileSync(join(folder, f), 'utf8').trim())
    return { name: pkg.name, text: `## ${pkg.name} ${pkg.version} (${pkg.license})\n\n${texts.join('\n\n')}\n` }
  })
  sections.sort((a, b) => (a.name < b.name ? -1 : 1))
  const head = '# Third-party licences\n\nThe files in dist/ include code from these packages, under these licences. (Mermaid, in\ndist/assets/, has its own licence there, and its bundled dependencies\' notices are inside mermaid.min.js.)\n'
  return [head, ...sections.map((s) => s.text)].join('\n')
}

// Mermaid's browser bundle (it carries its bundled dependencies' licence notices) and its licence.
mkdirSync('dist/assets', { recursive: true })
const mermaidDir = dirname(dirname(require.resolve('mermaid/dist/mermaid.min.js')))
copyFileSync(join(mermaidDir, 'dist/mermaid.min.js'), 'dist/assets/mermaid.min.js')
copyFileSync(join(mermaidDir, 'LICENSE'), 'dist/assets/mermaid.LICENSE')

// Last, once dist/ is whole: each dedicated entry runs once, which leaves its code cache.
warmCodeCaches()

// Declarations for `import type { … } from 'weir-pipelines'` (the public API and the plugin API).
// --no-types skips them: bin/weir.js builds a fresh clone's CLI that way, since tsc takes most of
// the build's time and running the CLI needs no declarations.
if (process.argv.includes('--no-types')) process.exit(0)
const { execFileSync } = await import('node:child_process')
const tsc = require.resolve('typescript/bin/tsc')
execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { stdio: 'inherit' })
