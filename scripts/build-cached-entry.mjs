// Builds a dedicated entry (`weir run`, `weir execute`, `weir spec validate`) as one CommonJS bundle that
// src/cli/run-cached-bundle.ts runs with a V8 code cache, and warms that cache. In dist/cli/:
//   <name>.cjs                 the entry bin/weir.js loads: run-cached-bundle.ts, told which bundle to run
//                              (`weir execute`'s picks one of two: src/cli/start-execute.ts)
//   <name>.bundle-<hash>.cjs   the command's code, every module it may load in one file; the content
//                              hash in the name keeps a cache beside the bundle it was made from
//   <name>.bundle-<hash>.cjs.<node version>-<arch>.v8-cache   written by the warm-up run, or by
//                              the first run of another Node version
//   <name>-esm/                the few modules that must stay ES modules (ESM_LEAVES)
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdirSync, mkdtempSync, readdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { build } from 'esbuild'
import { init as initLexer, parse as lexModule } from 'es-module-lexer'

/**
 * Modules loaded lazily that import packages with separate CommonJS and ES builds: bundled into the
 * CommonJS file they would load the CommonJS build, and an Arrow table weir reads back would not be
 * an `instanceof Table` of the handler's `import 'apache-arrow'`. They stay ES modules, imported as
 * the main entry imports them. The build fails if one of ESM_ONLY_PACKAGES reaches the bundle another way.
 */
const ESM_LEAVES = ['src/plugins/io/table/parquet.ts', 'src/plugins/io/table/rows-to-table.ts', 'src/runtime/map/concat-tables.ts', 'src/plugins/io/gcs/storage-gcs-client.ts', 'src/ui/server/table-preview.ts']
const ESM_ONLY_PACKAGES = ['apache-arrow', 'parquet-wasm', '@google-cloud/storage']

const leafName = (path) => path.replace(/^.*\//, '').replace(/\.ts$/, '')

/**
 * Builds dist/cli/<name>.cjs and its bundle from `source`; returns the metafiles (for the licence
 * list and the check of undeclared dependencies).
 * @param {{ name: string, source: string, external: string[], plugins: import('esbuild').Plugin[], banner: string }} options
 */
export async function buildCachedEntry({ name, source, external, plugins, banner }) {
  const { bundleFile, metafiles } = await buildCachedBundle({ name, source, external, plugins, banner })
  const entry = await buildEntryFile(name, `import { runCachedBundle } from './run-cached-bundle.ts'\nrunCachedBundle(__filename, require('node:path').join(__dirname, ${JSON.stringify(bundleFile)}))\n`)
  return [...metafiles, entry]
}

/**
 * Builds dist/cli/<name>.bundle-<hash>.cjs from `source` (and its ESM leaves in <name>-esm/); returns
 * the bundle's file name and the metafiles, the bundle's first.
 * @param {{ name: string, source: string, external: string[], plugins: import('esbuild').Plugin[], banner: string }} options
 * @returns {Promise<{ bundleFile: string, metafiles: import('esbuild').Metafile[] }>}
 */
export async function buildCachedBundle({ name, source, external, plugins, banner }) {
  const leaves = new Set()
  // Real paths: esbuild resolves symbolic links (a clone whose src/ is a link, as in pack-init.test.ts).
  const leafPaths = new Map(ESM_LEAVES.map((l) => [realpathSync(l), l]))
  const esmLeaves = {
    name: 'esm-leaves',
    setup(build) {
      build.onResolve({ filter: /\.ts$/ }, (args) => {
        let path
        try {
          path = realpathSync(resolve(args.resolveDir, args.path))
        } catch {
          return undefined
        }
        const leaf = leafPaths.get(path)
        if (!leaf) return undefined
        if (args.kind !== 'dynamic-import') return { errors: [{ text: `${leaf} must be imported with import() (it stays an ES module: scripts/build-cached-entry.mjs), not by ${args.importer}` }] }
        leaves.add(leaf)
        return { path: `./${name}-esm/${leafName(leaf)}.js`, external: true }
      })
    },
  }
  const bundled = await build({
    entryPoints: [source],
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    external,
    plugins: [...plugins, esmLeaves],
    define: { 'import.meta.url': '__weirEntryUrl' },
    sourcemap: false,
    metafile: true,
    write: false,
    logLevel: 'warning',
  })
  for (const [output, { imports }] of Object.entries(bundled.metafile.outputs))
    for (const { path } of imports)
      if (ESM_ONLY_PACKAGES.some((p) => path === p || path.startsWith(`${p}/`))) throw new Error(`${output} loads ${path} as CommonJS; add the module that imports it to ESM_LEAVES in scripts/build-cached-entry.mjs`)

  const code = asciiOnly(await routeDynamicImports(bundled.outputFiles[0].text))
  const bundleFile = `${name}.bundle-${createHash('sha256').update(code).digest('hex').slice(0, 12)}.cjs`
  mkdirSync('dist/cli', { recursive: true })
  writeFileSync(join('dist/cli', bundleFile), code)

  const metafiles = [bundled.metafile]
  if (leaves.size > 0) {
    const esm = await build({
      entryPoints: Object.fromEntries([...leaves].map((l) => [leafName(l), l])),
      outdir: `dist/cli/${name}-esm`,
      bundle: true,
      splitting: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      external,
      plugins,
      metafile: true,
      chunkNames: 'chunks/[name]-[hash]',
      banner: { js: banner },
      logLevel: 'warning',
    })
    metafiles.push(esm.metafile)
  }
  return { bundleFile, metafiles }
}

/**
 * Builds dist/cli/<name>.cjs, the small entry bin/weir.js loads, from `contents` (TypeScript in
 * src/cli/, which names the bundles it runs); returns its metafile.
 */
export async function buildEntryFile(name, contents) {
  const entry = await build({
    stdin: { contents, resolveDir: resolve('src/cli'), sourcefile: `${name}-entry.ts`, loader: 'ts' },
    outfile: `dist/cli/${name}.cjs`,
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    metafile: true,
    logLevel: 'warning',
  })
  return entry.metafile
}

/**
 * Puts `__weirImport(` in place of every `import(` of the bundle (run-cached-bundle.ts explains
 * why), found by es-module-lexer, not by a pattern, so that text in strings stays as it is.
 */
async function routeDynamicImports(code) {
  await initLexer
  const dynamic = lexModule(code)[0].filter((i) => i.type === 'dynamic')
  let routed = code
  for (const i of dynamic.reverse()) {
    if (routed.slice(i.importStart, i.dynamicStart) !== 'import') throw new Error(`unexpected dynamic import in the bundle: ${code.slice(i.importStart, i.importEnd)}`)
    routed = `${routed.slice(0, i.importStart)}__weirImport${routed.slice(i.dynamicStart)}`
  }
  const left = lexModule(routed)[0].filter((i) => i.type === 'dynamic' || i.type === 'import-meta')
  if (left.length > 0) throw new Error(`the bundle still has ${routed.slice(left[0].importStart, left[0].importEnd)}`)
  return routed
}

/**
 * The bundle in ASCII only, which run-cached-bundle.ts reads as Latin-1: a one-byte string made by a
 * copy, where UTF-8 decoding costs more than the rest of reading the file, and where a single
 * non-ASCII character (one '…' in a comment) would make V8 keep and parse all of it as a two-byte
 * string. esbuild already escapes strings, templates, regular expressions and names (its default
 * charset); what it leaves is in comments, where an escape means nothing. A non-ASCII character after
 * a backslash would be in code that the escape would change: the build fails instead.
 */
function asciiOnly(code) {
  const escaped = code.replace(/(\\?)([^\x00-\x7f])/g, (all, backslash, char) => {
    if (backslash) throw new Error(`the bundle has an escaped non-ASCII character (${JSON.stringify(all)}); it must be ASCII only (scripts/build-cached-entry.mjs)`)
    return `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`
  })
  // eslint-disable-next-line no-control-regex
  if (/[^\x00-\x7f]/.test(escaped)) throw new Error('the bundle is not ASCII only (scripts/build-cached-entry.mjs)')
  return escaped
}

/**
 * Runs the entries once on a one-task spec, so that each leaves its code cache in dist/cli/. This is
 * also a check that the bundles start: the build fails if one does not.
 */
export function warmCodeCaches() {
  const project = mkdtempSync(join(tmpdir(), 'weir-build-warm-'))
  try {
    mkdirSync(join(project, 'handlers'))
    writeFileSync(join(project, 'package.json'), '{ "type": "module" }\n')
    writeFileSync(join(project, 'handlers/noop.js'), 'export function noop() {}\n')
    writeFileSync(join(project, 'warm.yaml'), 'apiVersion: weir/v1\nkind: Pipeline\nname: warm\ntasks:\n  t0:\n    handler: ./handlers/noop.js#noop\n')
    // V8 flags (NODE_OPTIONS) would give a cache that a plain `node` rejects.
    const { NODE_OPTIONS: _, ...env } = process.env
    for (const [name, entry, args] of [
      ['execute', 'execute.cjs', ['execute', '--spec', 'warm.yaml', '--task', 't0', '--run-id', 'warm', '--state-dir', '.weir']],
      // A subprocess run starts its task's `weir execute` with the run's spec plan: the plan bundle.
      ['execute-plan', 'main.js', ['run', 'warm.yaml', '--executor', 'subprocess', '--state-dir', '.weir']],
      ['validate', 'validate.cjs', ['spec', 'validate', 'warm.yaml']],
      ['run', 'run.cjs', ['run', 'warm.yaml', '--state-dir', '.weir']],
      ['main', 'main.cjs', ['runs', '--state-dir', '.weir']],
    ]) {
      const ran = spawnSync(process.execPath, [resolve(`dist/cli/${entry}`), ...args], { cwd: project, env, encoding: 'utf8' })
      if (ran.status !== 0) throw new Error(`dist/cli/${entry} failed its warm-up run (exit ${ran.status}):\n${ran.stdout}${ran.stderr}`)
      if (!readdirSync('dist/cli').some((f) => f.startsWith(`${name}.bundle-`) && f.endsWith('.v8-cache'))) throw new Error(`the warm-up run of dist/cli/${entry} left no code cache for the ${name} bundle`)
    }
    // The plan `weir execute` kept of the warm-up spec (src/cli/execute-plan-cache.ts) is of no use to anyone.
    for (const f of readdirSync('dist/cli')) if (f.endsWith('.plans')) rmSync(join('dist/cli', f), { recursive: true, force: true })
  } finally {
    rmSync(project, { recursive: true, force: true })
  }
}
