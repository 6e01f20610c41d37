import { dirname, resolve } from 'node:path'
import { resolveModuleFile } from './module-exports.ts'

export interface ResolvedHandler {
  /** The module part as written (before `#`). */
  readonly modulePath: string
  readonly exportName: string
  /** Absolute path as written, before extension probing. */
  readonly absolute: string
  /** The existing module file, if any. */
  readonly file?: string
}

/** Splits `path#export` and resolves the path against the spec file's folder. */
export function resolveHandler(written: string, specPath: string): ResolvedHandler {
  const hash = written.lastIndexOf('#')
  const modulePath = hash === -1 ? written : written.slice(0, hash)
  const exportName = hash === -1 ? 'default' : written.slice(hash + 1)
  const absolute = resolveFrom(dirname(specPath), modulePath)
  const file = resolveModuleFile(absolute)
  return { modulePath, exportName, absolute, ...(file !== undefined && { file }) }
}

/** path.resolve, remembered: fifty tasks naming one module resolve it once. */
function resolveFrom(dir: string, modulePath: string): string {
  const key = `${dir}\0${modulePath}`
  let absolute = resolvedPaths.get(key)
  if (absolute === undefined) resolvedPaths.set(key, (absolute = resolve(dir, modulePath)))
  return absolute
}
const resolvedPaths = new Map<string, string>()
