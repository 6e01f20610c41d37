#!/usr/bin/env node
// Entry point of the `weir` command; the CLI itself is bundled into dist/ by `npm run build`.
// The published package ships dist/. A fresh clone of the repository has none (and no `prepare`
// script builds it, because a `prepare` would also run, and fail, in `npm install --omit=dev`), so
// there the first `weir` builds it, with the dev dependencies `npm install` put in place.
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const built = existsSync(new URL('../dist/cli/main.js', import.meta.url))
const buildScript = fileURLToPath(new URL('../scripts/build.mjs', import.meta.url))

if (!built && existsSync(buildScript)) {
  process.stderr.write('weir: building the CLI (first run in this clone; `npm run build` rebuilds it, with type declarations) …\n')
  // The build's output goes to stderr, so that stdout holds only what the command prints.
  const { spawnSync } = await import('node:child_process')
  const ran = spawnSync(process.execPath, [buildScript, '--no-types'], { cwd: root, stdio: ['ignore', 2, 2] })
  if (ran.status !== 0) {
    process.stderr.write('weir: the build failed; run `npm install` (with dev dependencies), then `npm run build`.\n')
    process.exit(2)
  }
}

// `weir execute` and `weir spec validate` have entries of their own (scripts/build.mjs): CommonJS
// files that start faster; `weir run` has an ES module entry of its own. Options they leave to the
// main entry, and anything unusual, go there. So does `execute --help`: the dedicated entry would
// load the whole runtime to print a page of text, which the main entry prints from one small chunk.
const [command, sub] = process.argv.slice(2)
const dedicated =
  command === 'execute' && !process.argv.some((a) => a === '--help' || a === '-h')
    ? 'execute'
    : command === 'spec' && sub === 'validate' && !process.argv.some((a) => a.startsWith('--typecheck') || a.startsWith('--target'))
      ? 'validate'
      : undefined

const entry = dedicated ? `../dist/cli/${dedicated}.cjs` : command === 'run' ? '../dist/cli/run.js' : '../dist/cli/main.js'
/** True when `error` says the entry itself is missing (not a module it loads). */
const isMissingEntry = (error) =>
  (error?.code === 'ERR_MODULE_NOT_FOUND' || error?.code === 'MODULE_NOT_FOUND') && String(error.message).includes(entry.slice(3))

try {
  if (dedicated) createRequire(import.meta.url)(entry)
  else await import(entry)
} catch (error) {
  if (!isMissingEntry(error)) throw error
  process.stderr.write('weir: this installation has no dist/ folder; reinstall weir-pipelines (in a clone: npm run build).\n')
  process.exit(2)
}
