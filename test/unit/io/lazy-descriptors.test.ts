// The CLI lists every plugin at start: the descriptors must not load arrow, parquet-wasm or the
// Google client. Follows the static (non-type, non-dynamic) imports from builtins.ts.
import { readFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect, test } from 'vitest'

const HEAVY = ['apache-arrow', 'parquet-wasm', '@google-cloud/storage', '@duckdb/node-api']

function staticImports(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen
  seen.add(file)
  const source = readFileSync(file, 'utf8')
  for (const match of source.matchAll(/^import (?!type\b)[^'"]*?from '([^']+)'/gm)) {
    const spec = match[1]!
    if (spec.startsWith('.')) staticImports(resolve(dirname(file), spec), seen)
    else seen.add(spec)
  }
  return seen
}

test('plugin descriptors load no heavy module', () => {
  const root = fileURLToPath(new URL('../../../src/plugins/builtins.ts', import.meta.url))
  const loaded = [...staticImports(root)]
  for (const heavy of HEAVY) expect(loaded.filter((m) => m === heavy || m.startsWith(`${heavy}/`))).toEqual([])
  expect(loaded.some((m) => m.endsWith('io/fs/index.ts'))).toBe(true)
})
