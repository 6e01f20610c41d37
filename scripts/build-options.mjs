// What scripts/build.mjs bundles and what it leaves to node_modules. A package bundled into dist/
// is a devDependency (users never install it); a package left external is loaded from node_modules
// at run time and must be a dependency: the build fails otherwise (undeclaredExternals).
import { isBuiltin } from 'node:module'

/**
 * Left external: WebAssembly (parquet-wasm), large trees loaded only by the commands that need
 * them (@google-cloud/storage, apache-arrow, handlebars, ajv), jiti (loads handlers; it has its own
 * lazy requires) and the user's own typescript.
 */
export const EXTERNAL = ['jiti', 'typescript', 'parquet-wasm', 'apache-arrow', '@google-cloud/storage', 'handlebars', 'ajv', 'ajv/*']

/**
 * Packages shipped code may load that are not dependencies: the user's own TypeScript, if installed,
 * and cli-color, which json-schema-to-typescript requires inside a try/catch to colour its debug log.
 */
export const OPTIONAL_AT_RUN_TIME = ['typescript', 'cli-color']

/**
 * The packages the bundles load from node_modules (esbuild's metafile), by name, that are neither
 * dependencies nor optional: each would be missing from a user's install.
 * @param {{ outputs: Record<string, { imports: { path: string, external?: boolean }[] }> }} metafile
 * @param {Record<string, string>} dependencies
 * @returns {string[]}
 */
export function undeclaredExternals(metafile, dependencies) {
  const names = new Set()
  for (const output of Object.values(metafile.outputs))
    for (const { path, external } of output.imports) {
      if (!external || path.startsWith('node:') || path.startsWith('.') || isBuiltin(path)) continue
      const parts = path.split('/')
      names.add(path.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0])
    }
  return [...names].filter((name) => !(name in dependencies) && !OPTIONAL_AT_RUN_TIME.includes(name)).sort()
}
