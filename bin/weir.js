#!/usr/bin/env node
// Entry point of the `weir` command; the CLI itself is bundled into dist/ by `npm run build`.
// The published package ships dist/. A fresh clone of the repository has none (and no `prepare`
// script builds it, because a `prepare` would also run, and fail, in `npm install --omit=dev`), so
// there the first `weir` builds it, with the dev dependencies `npm install` put in place.
//
// This file is CommonJS (bin/package.json says so, and the name stays bin/weir.js because generated
// remote jobs start it by that path). An ES module entry would start Node's ES module loader, about
// 5 ms, before anything else: `weir spec validate` and `weir execute` run CommonJS bundles and never
// need it for themselves (a handler written as an ES module still loads through it, when imported).
'use strict'
const { existsSync } = require('node:fs')
const { join } = require('node:path')

const root = join(__dirname, '..')
const buildScript = join(root, 'scripts/build.mjs')

if (!existsSync(join(root, 'dist/cli/main.js')) && existsSync(buildScript)) {
  process.stderr.write('weir: building the CLI (first run in this clone; `npm run build` rebuilds it, with type declarations) …\n')
  // The build's output goes to stderr, so that stdout holds only what the command prints.
  const ran = require('node:child_process').spawnSync(process.execPath, [buildScript, '--no-types'], { cwd: root, stdio: ['ignore', 2, 2] })
  if (ran.status !== 0) {
    process.stderr.write('weir: the build failed; run `npm install` (with dev dependencies), then `npm run build`.\n')
    process.exit(2)
  }
}

// `weir run`, `weir execute` and `weir spec validate` have entries of their own (scripts/build.mjs):
// CommonJS files that start from a V8 code cache. Options they leave to the main entry, and anything
// unusual, go there. So does `--help` of run and execute: the dedicated entry would load the whole
// runtime to print a page of text. The main entry is a cached CommonJS file too (main.cjs), but for
// `weir codegen`, `weir init` and `spec validate --typecheck/--target`, which the ES module entry
// (main.js) runs: their code (type generation with a TypeScript formatter, the target generators'
// reports) would make every start of the others read 2.5 MB more. `weir`, `weir --help` and
// `weir --version` go there too: they print a line or a page, and loading main.cjs costs more than that.
const [command, sub] = process.argv.slice(2)
const help = process.argv.some((a) => a === '--help' || a === '-h')
const typecheckOrTarget = process.argv.some((a) => a.startsWith('--typecheck') || a.startsWith('--target'))
// The main entries read `--debug` anywhere; the dedicated ones only after their command's words.
const words = process.argv.slice(2).filter((a) => a !== '--debug')
const dedicated =
  (command === 'execute' || command === 'run') && !help
    ? command
    : command === 'spec' && sub === 'validate' && !typecheckOrTarget
      ? 'validate'
      : words[0] === undefined || words[0].startsWith('-') || words[0] === 'codegen' || words[0] === 'init' || (words[0] === 'help' && (words[1] === 'codegen' || words[1] === 'init')) || (words[0] === 'spec' && typecheckOrTarget)
        ? undefined
        : 'main'

const entry = dedicated ? `../dist/cli/${dedicated}.cjs` : '../dist/cli/main.js'
/** True when `error` says the entry itself is missing (not a module it loads). */
const isMissingEntry = (error) =>
  (error?.code === 'ERR_MODULE_NOT_FOUND' || error?.code === 'MODULE_NOT_FOUND') && String(error.message).includes(entry.slice(3))

function reportMissingEntry(error) {
  if (!isMissingEntry(error)) throw error
  process.stderr.write('weir: this installation has no dist/ folder; reinstall weir-pipelines (in a clone: npm run build).\n')
  process.exit(2)
}

if (dedicated) {
  try {
    require(entry)
  } catch (error) {
    reportMissingEntry(error)
  }
} else {
  import(entry).catch((error) => {
    // Rethrown outside the promise, so that a failure to start ends as it did from an ES module entry.
    process.nextTick(() => reportMissingEntry(error))
  })
}
