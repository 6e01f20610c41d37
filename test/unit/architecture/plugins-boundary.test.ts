/**
 * The layering of STYLE.md stays true (issue 14): plugins import only the plugin interfaces, the
 * shared helpers beside them and the bottom layer, never the runtime or the CLI; the runtime knows
 * plugin interfaces, never a concrete plugin. Every import is found, dynamic `import()` included.
 */
import { readFileSync, readdirSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { describe, expect, test } from 'vitest'
import ts from 'typescript'

const SRC = resolve('src')

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return sourceFiles(path)
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : []
  })
}

/** Every relative import of a file (static, `export … from`, `import type`, dynamic), as a path under src/. */
function importsOf(file: string): string[] {
  const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true)
  return importedFiles
    .map((i) => i.fileName)
    .filter((name) => name.startsWith('.'))
    .map((name) => relative(SRC, resolve(dirname(file), name)).split('\\').join('/'))
}

/** `from → to` for every import of a file under `from` into a path that `forbidden` matches. */
function crossings(from: string, forbidden: (target: string) => boolean): string[] {
  return sourceFiles(join(SRC, from)).flatMap((file) => {
    const source = relative(SRC, file).split('\\').join('/')
    return importsOf(file)
      .filter(forbidden)
      .map((target) => `${source} → ${target}`)
  })
}

/** Today's known crossings, each with the change that removes it. Do not add to this list. */
const KNOWN_PLUGIN_CROSSINGS = [
  // Phase 1 of issue 14 moves the trigger-rule table to the bottom layer.
  'plugins/targets/argo/workflow.ts → runtime/trigger-rules.ts',
  'plugins/targets/databricks/job.ts → runtime/trigger-rules.ts',
]

describe('import boundaries', () => {
  test('no file under src/plugins/ imports src/runtime/ or src/cli/ (the runtime hands executors a host instead)', () => {
    const found = crossings('plugins', (target) => target.startsWith('runtime/') || target.startsWith('cli/'))
    expect(found.filter((c) => !KNOWN_PLUGIN_CROSSINGS.includes(c))).toEqual([])
  })

  test('the allow-list holds only crossings that still exist', () => {
    const found = crossings('plugins', (target) => target.startsWith('runtime/') || target.startsWith('cli/'))
    expect(KNOWN_PLUGIN_CROSSINGS.filter((c) => !found.includes(c))).toEqual([])
  })

  test('the runtime imports plugin interfaces and shared helpers, never a concrete plugin (the CLI and the public API pass the built-ins in)', () => {
    const allowed = new Set(['plugins/types.ts', 'plugins/io/output-location.ts'])
    expect(crossings('runtime', (target) => target.startsWith('plugins/') && !allowed.has(target))).toEqual([])
  })
})
