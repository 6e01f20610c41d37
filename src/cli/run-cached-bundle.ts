/**
 * Starts a dedicated entry (`weir run`, `weir execute`, `weir spec validate`) from its one-file
 * CommonJS bundle, compiled with the V8 code cache kept beside it (code-cache-file.ts). Those
 * commands start far more often than they work (every run from cron, every remote task, every
 * `--executor subprocess` attempt, every editor check), and most of their start was compiling
 * JavaScript. Node 20 keeps no code cache for ES modules, hence CommonJS
 * (scripts/build-cached-entry.mjs builds the bundles).
 *
 * The bundle runs inside a function of this module's making: CommonJS's five parameters, plus
 * `__weirImport` and `__weirEntryUrl`, which the build put in place of the bundle's `import()` and
 * `import.meta.url`. Node 20 cannot serve `import()` from a script compiled with a code cache ("A
 * dynamic import callback was not specified"), so every dynamic import (a handler's module, jiti,
 * Ajv) is made here, in a module Node compiled itself; relative specifiers resolve from the entry's
 * folder.
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname } from 'node:path'
import { pathToFileURL } from 'node:url'
import { Script } from 'node:vm'
import { codeCachePath, readCodeCache, v8FlagHash, writeCodeCache } from './code-cache-file.ts'
import { EXIT } from './errors.ts'

/** The head of the function the bundle runs in; the build's `__weirImport` and `__weirEntryUrl` are its last two parameters. */
const WRAPPER_HEAD = '(function (exports, require, module, __filename, __dirname, __weirImport, __weirEntryUrl) {'

type BundleFunction = (this: unknown, ...args: unknown[]) => void

/**
 * Runs `bundleFile` as the entry `entryFile` (dist/cli/execute.cjs or validate.cjs). Without a
 * usable cache (none yet, another Node version, other V8 flags), it compiles from source and, as the
 * process exits, leaves a cache for the next one. `cacheName` picks one of several caches of the
 * bundle (main-cache-name.ts). Returns what the bundle exports.
 */
export function runCachedBundle(entryFile: string, bundleFile: string, cacheName?: string): unknown {
  const cacheFile = codeCachePath(cacheName === undefined ? bundleFile : `${bundleFile}.${cacheName}`)
  const cachedData = readCodeCache(cacheFile)
  // ASCII only (the build makes sure), so Latin-1 reads it exactly, without decoding UTF-8.
  const script = new Script(`${WRAPPER_HEAD}${readFileSync(bundleFile, 'latin1')}\n})`, { filename: bundleFile, ...(cachedData && { cachedData }) })
  const require = createRequire(bundleFile)
  // At exit the cache also holds the functions compiled lazily while the command ran. A validation
  // thread (validate-files.ts) runs this entry too; the main thread writes for it. Not after a usage
  // error (exit 2): that process stopped at its arguments, and its cache, kept for good, would leave
  // every later process to compile the rest of the command itself (~3 ms for each `weir execute`).
  // Nor when the process changed V8's flags as it ran (young-generation.ts): its cache, under the
  // name of the options it started with, would be refused by every process started with them.
  if (!cachedData || script.cachedDataRejected === true) {
    const flagHash = v8FlagHash()
    process.once('exit', (code) => {
      if (code === EXIT.usage || v8FlagHash() !== flagHash) return
      if ((require('node:worker_threads') as typeof import('node:worker_threads')).isMainThread) writeCodeCache(cacheFile, () => script.createCachedData())
    })
  }
  const module = { exports: {} }
  const run = script.runInThisContext() as BundleFunction
  run.call(module.exports, module.exports, require, module, bundleFile, dirname(bundleFile), importModule, pathToFileURL(entryFile).href)
  return module.exports
}

/** The bundle's `import()`: resolved as if written in the entry file. */
function importModule(specifier: string): Promise<unknown> {
  return import(specifier)
}
