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
  const absolute = resolve(dirname(specPath), modulePath)
  return { modulePath, exportName, absolute, file: resolveModuleFile(absolute) }
}
