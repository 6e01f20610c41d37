/** Packages scripts/build.mjs leaves external (loaded from node_modules at run time). */
export const EXTERNAL: string[]
/** Packages shipped code may load that are not dependencies. */
export const OPTIONAL_AT_RUN_TIME: string[]
/** Packages the bundles load from node_modules that are neither dependencies nor optional. */
export function undeclaredExternals(metafile: { outputs: Record<string, { imports: { path: string; external?: boolean }[] }> }, dependencies: Record<string, string>): string[]
