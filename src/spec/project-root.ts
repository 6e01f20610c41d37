import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'

/**
 * The project a spec belongs to: the nearest folder at or above the spec that holds a package.json
 * (or a .git); handler modules must resolve inside it. Falls back to the spec's own folder.
 */
export function findProjectRoot(specPath: string): string {
  const start = dirname(specPath)
  const known = roots.get(start)
  if (known !== undefined) return known
  let root = start
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) || existsSync(join(dir, '.git'))) {
      root = dir
      break
    }
    if (dirname(dir) === dir) break
  }
  roots.set(start, root)
  return root
}

/** Spec folder → project root; a folder of 200 specs walks up once. */
const roots = new Map<string, string>()
