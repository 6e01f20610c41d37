/**
 * Finds a TypeScript compiler API: the project's own `typescript` first (the version its handlers
 * are written for), then the one installed with weir. TypeScript 7 (the native port) has no JS
 * API, so a module without `createProgram` does not count.
 */
import { createRequire } from 'node:module'
import { join } from 'node:path'

/** The `typescript` module's JS API (5.x, 6.x). */
export type TypeScriptApi = typeof import('typescript')

/** The compiler API, or undefined when no usable `typescript` package is installed. */
export async function loadTypeScript(projectRoot: string): Promise<TypeScriptApi | undefined> {
  try {
    const fromProject = createRequire(join(projectRoot, 'package.json'))('typescript') as TypeScriptApi
    if (typeof fromProject.createProgram === 'function') return fromProject
  } catch {
    // not installed in the project: fall back to weir's own
  }
  try {
    const mod = (await import('typescript')) as unknown as { default?: TypeScriptApi } & TypeScriptApi
    const ts = mod.default ?? mod
    return typeof ts.createProgram === 'function' ? ts : undefined
  } catch {
    return undefined
  }
}
