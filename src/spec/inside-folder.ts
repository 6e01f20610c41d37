import { realpathSync } from 'node:fs'
import { isAbsolute, relative } from 'node:path'

/** Whether `path` lies inside `root` (both absolute), by their names alone. */
export function isInside(root: string, path: string): boolean {
  const rel = relative(root, path)
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel))
}

const realPaths = new Map<string, string>()

/**
 * Whether a file, followed through symlinks, lies inside `root`: a link inside the project that
 * points elsewhere does not count as inside. Real paths are remembered per process.
 */
export function isRealPathInside(root: string, file: string): boolean {
  let real = realPaths.get(file)
  if (real === undefined) {
    try {
      real = realpathSync(file)
    } catch {
      real = file // vanished or not yet there: judge the path as written
    }
    realPaths.set(file, real)
  }
  return isInside(root, real)
}
