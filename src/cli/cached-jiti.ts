/**
 * jiti (which compiles TypeScript handlers) loaded with a V8 code cache. Node 20 keeps no code cache
 * for packages, and compiling jiti's core, 190 KB of JavaScript, took ~35 ms of every process that
 * loads a TypeScript handler: each `weir execute` of one, each run with one. The cache sits beside
 * the built CLI, like the caches of its own bundles (code-cache-file.ts: checked, written atomically,
 * never in a shared folder), named after the size and time of the file it was made from.
 *
 * Only the core (`jiti/dist/jiti.cjs`) is compiled here; jiti's own entry (`jiti/lib/jiti.cjs`) is
 * loaded by Node as always, and finds the core already in `require.cache`. Should any of this fail
 * (another layout of the package), jiti is imported as usual: slower, never different.
 */
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs'
import Module, { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Script } from 'node:vm'
import { codeCachePath, readCodeCache, v8FlagHash, writeCodeCache } from './code-cache-file.ts'
import { deferBuiltins } from './deferred-builtins.ts'

type Jiti = typeof import('jiti')

/** Built-in modules jiti's core requires at load and needs only on rare paths (deferred-builtins.ts). */
const JITI_DEFERRED_BUILTINS = ['node:assert', 'node:fs/promises', 'node:v8']

/** jiti's module, its core compiled with the code cache when this runs from the built CLI. */
export function loadCachedJiti(): Promise<Jiti> {
  const here = fileURLToPath(import.meta.url)
  // From sources (tests) there is no built CLI to keep a cache beside.
  if (!/\.c?js$/.test(here)) return import('jiti')
  let jiti: Jiti
  try {
    jiti = compileJiti(here)
  } catch {
    return import('jiti')
  }
  return Promise.resolve(jiti)
}

function compileJiti(here: string): Jiti {
  const require = createRequire(here)
  const entry = jitiEntry(here) ?? require.resolve('jiti')
  const core = join(dirname(entry), '../dist/jiti.cjs')
  if (!require.cache[core]) {
    const { size, mtimeMs } = statSync(core)
    const cacheFile = codeCachePath(join(dirname(here), `jiti-${size}-${Math.trunc(mtimeMs)}.cjs`))
    const cachedData = readCodeCache(cacheFile)
    const script = new Script(`(function (exports, require, module, __filename, __dirname) {${readFileSync(core, 'utf8')}\n})`, {
      filename: core,
      ...(cachedData && { cachedData }),
    })
    if (!cachedData || script.cachedDataRejected === true) {
      const flagHash = v8FlagHash()
      process.once('exit', () => {
        if (v8FlagHash() === flagHash) writeCodeCache(cacheFile, () => script.createCachedData())
      })
    }
    const module = new Module(core)
    module.filename = core
    ;(script.runInThisContext() as (...args: unknown[]) => void).call(module.exports, module.exports, deferBuiltins(createRequire(core), JITI_DEFERRED_BUILTINS), module, core, dirname(core))
    module.loaded = true
    require.cache[core] = module
  }
  return require(entry) as Jiti
}

/**
 * jiti's CommonJS entry, found in the node_modules folders Node would search from `here`, in its
 * order, by its real path; undefined when the first jiti found has another layout (then
 * `require.resolve` decides).
 * `require.resolve('jiti')` reads the package's `exports`, and that loads Node's ES module resolver
 * (~2 ms) into a process that otherwise never needs it.
 */
export function jitiEntry(here: string): string | undefined {
  const searched = (Module as unknown as { _nodeModulePaths(from: string): string[] })._nodeModulePaths(dirname(here))
  for (const folder of searched) {
    const pkg = join(folder, 'jiti')
    if (!existsSync(join(pkg, 'package.json'))) continue
    const entry = join(pkg, 'lib', 'jiti.cjs')
    // Its real path, as Node's loader keys its cache (a linked node_modules, in a workspace or a clone).
    return existsSync(entry) && existsSync(join(pkg, 'dist', 'jiti.cjs')) ? realpathSync(entry) : undefined
  }
  return undefined
}

