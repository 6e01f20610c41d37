// The layering of docs/architecture.md (and STYLE.md's "Layout and boundaries"), checked on every
// import of src/: dependencies point one way, cli → codegen/runtime → plugins → spec (issue 14).
import { describe, expect, test } from 'vitest'
import { collectImports } from './import-graph.ts'
import type { ImportEdge } from './import-graph.ts'

/** The layer of a repository path: src's top folder, the two entry files, or `outside` src/. */
function layerOf(path: string): string {
  const match = /^src\/([^/]+)/.exec(path)
  return match ? match[1]! : 'outside'
}

/** Plugin files the runtime and codegen may import: the interfaces and the registry, no concrete plugin. */
const PLUGIN_INTERFACES = new Set(['src/plugins/types.ts', 'src/plugins/registry.ts'])

/** Files outside src/ that src/ may import: the spec's JSON Schema (the contract). */
const OUTSIDE_ALLOWED = /^schema\/[^/]+\.json$/

/** For each layer, what it may import besides itself; absent layers (cli, index.ts) may import anything. */
const RULES: Readonly<Record<string, (to: string) => boolean>> = {
  // The bottom layer: the model, the trigger-rule table, WeirError, the task-status vocabulary.
  spec: (to) => layerOf(to) === 'spec',
  plugins: (to) => ['spec', 'plugins'].includes(layerOf(to)),
  'plugin.ts': (to) => ['spec', 'plugins'].includes(layerOf(to)),
  runtime: (to) => ['spec', 'runtime'].includes(layerOf(to)) || PLUGIN_INTERFACES.has(to),
  codegen: (to) => ['spec', 'codegen'].includes(layerOf(to)) || PLUGIN_INTERFACES.has(to),
  'init-template': (to) => ['spec', 'init-template'].includes(layerOf(to)),
}

/**
 * Violations that exist today and that phase 2 of issue 14 removes (the executor seam: the runtime
 * hands an executor the attempt function and the IoManager lookup, and `weir execute`'s body moves
 * into the runtime). Each names the importing file and the imported one. The list can only shrink:
 * an entry that no longer occurs fails the test below, so delete it when you fix it. Never add one.
 */
const KNOWN_VIOLATIONS: readonly { readonly from: string; readonly to: string }[] = [
  // The in-process executor calls the runtime's attempt function and builds the IoManager lookup itself.
  { from: 'src/plugins/executors/inprocess/index.ts', to: 'src/runtime/attempt.ts' },
  { from: 'src/plugins/executors/inprocess/index.ts', to: 'src/runtime/io-managers.ts' },
  // `weir execute` (the remote task protocol) lives inside the subprocess executor plugin.
  { from: 'src/plugins/executors/subprocess/execute-task.ts', to: 'src/runtime/attempt.ts' },
  { from: 'src/plugins/executors/subprocess/execute-task.ts', to: 'src/runtime/io-managers.ts' },
  // runPipeline picks its default executor by importing a concrete plugin (and through it builtins.ts).
  { from: 'src/runtime/run-pipeline.ts', to: 'src/plugins/executors/inprocess/index.ts' },
]

const edges = collectImports(process.cwd())
const isKnown = (e: ImportEdge): boolean => KNOWN_VIOLATIONS.some((k) => k.from === e.from && k.to === e.to)
const breaksRule = (e: ImportEdge): boolean => {
  if (layerOf(e.to) === 'outside') return !OUTSIDE_ALLOWED.test(e.to)
  const allowed = RULES[layerOf(e.from)]
  return allowed !== undefined && !allowed(e.to)
}
const describeEdge = (e: ImportEdge): string => `${e.from} imports ${e.to} ('${e.specifier}')`

describe('import boundaries of src/', () => {
  test('sees the imports (the walk found the files and resolved relative paths)', () => {
    expect(edges.length).toBeGreaterThan(300)
    expect(edges).toContainEqual(expect.objectContaining({ from: 'src/spec/validate.ts', to: 'src/spec/check-shape.ts' }))
    // Dynamic `import()` and `typeof import()` count too.
    expect(edges).toContainEqual(expect.objectContaining({ from: 'src/plugins/executors/inprocess/index.ts', to: 'src/runtime/attempt.ts' }))
  })

  test('no file imports across a boundary, except the known violations phase 2 removes', () => {
    const violations = [...new Set(edges.filter((e) => breaksRule(e) && !isKnown(e)).map(describeEdge))]
    expect(violations, 'see docs/architecture.md for the allowed directions').toEqual([])
  })

  test('every known violation still occurs (delete an entry once it is fixed, so the list only shrinks)', () => {
    const stale = KNOWN_VIOLATIONS.filter((k) => !edges.some((e) => e.from === k.from && e.to === k.to && breaksRule(e)))
    expect(stale).toEqual([])
  })
})
