// Bundles the CLI and the library with esbuild. Bundling matters for start-up time: one file
// loads about twice as fast as the same modules resolved one by one. Heavy or native packages
// stay external and are imported lazily by the commands that need them.
import { build } from 'esbuild'

const external = [
  'esbuild',
  'jiti',
  'typescript',
  'parquet-wasm',
  'apache-arrow',
  '@google-cloud/storage',
  '@duckdb/node-api',
  'json-schema-to-typescript',
  'handlebars',
  'ajv',
  'ajv/*',
  'cronstrue',
]

await build({
  entryPoints: { 'cli/main': 'src/cli/main.ts', index: 'src/index.ts', plugin: 'src/plugin.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external,
  sourcemap: 'linked',
  chunkNames: 'chunks/[name]-[hash]',
  // Bundled CommonJS code (the standalone Ajv validator) calls require(); ESM has none.
  banner: { js: "import { createRequire as __weirCreateRequire } from 'node:module'; const require = __weirCreateRequire(import.meta.url);" },
  logLevel: 'warning',
})

// Declarations for `import type { … } from 'weir'` (generated handler types use them).
const { execFileSync } = await import('node:child_process')
const { createRequire } = await import('node:module')
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc')
execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { stdio: 'inherit' })
