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

/**
 * Plugin files the runtime and codegen may import: the interfaces, the registry, and small shared
 * helpers: joining URIs under an output prefix (the execute protocol's documents sit beside the
 * outputs) and the temp-file naming that lets a resume clean up after a kill -9.
 * No concrete plugin: the CLI and the public API pass the built-ins in.
 */
const PLUGIN_INTERFACES = new Set([
  'src/plugins/types.ts',
  'src/plugins/registry.ts',
  'src/plugins/io/output-location.ts',
  // How a writer names its temp files, and whether that writer still lives: the fs IoManager writes
  // them, the run store writes its own, and a resume or `weir runs gc` removes those of dead writers.
  'src/plugins/io/temp-files.ts',
  'src/plugins/io/process-alive.ts',
  // mkdir -p that ends (Node's recursive mkdir spins forever under /proc): every folder weir makes.
  'src/plugins/io/make-dirs.ts',
])

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
  // weir ui's server and page: over the runtime's run store, the spec model and the plugins.
  ui: (to) => ['spec', 'runtime', 'plugins', 'ui'].includes(layerOf(to)),
}

/** The only file outside src/ui/ that may import it: the lazily loaded `weir ui` command. */
const UI_ENTRY = 'src/cli/commands/ui.ts'

const edges = collectImports(process.cwd())
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
    expect(edges).toContainEqual(expect.objectContaining({ from: 'src/plugins/io/gcs/index.ts', to: 'src/plugins/io/gcs/create-gcs-io.ts' }))
  })

  test('nothing but the weir ui command imports src/ui/ (other commands never load the server)', () => {
    const intruders = edges.filter((e) => layerOf(e.to) === 'ui' && layerOf(e.from) !== 'ui' && e.from !== UI_ENTRY).map(describeEdge)
    expect(intruders).toEqual([])
    expect(edges).toContainEqual(expect.objectContaining({ from: UI_ENTRY, to: 'src/ui/server/start-server.ts' }))
  })

  test('no file imports across a boundary (plugins never import the runtime or the CLI)', () => {
    const violations = [...new Set(edges.filter(breaksRule).map(describeEdge))]
    expect(violations, 'see docs/architecture.md for the allowed directions').toEqual([])
  })
})
