import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'

/** What makes a folder a project folder, nearest first. */
const MARKERS = ['package.json', '.git'] as const

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
    if (projectMarker(dir) !== undefined) {
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

/** The file that makes `dir` a project folder (`package.json` or `.git`), if any. */
export function projectMarker(dir: string): (typeof MARKERS)[number] | undefined {
  return MARKERS.find((marker) => existsSync(join(dir, marker)))
}

/**
 * Forgets the project roots found so far: a long-running process (`weir ui`, `weir schedule`'s
 * reload) asks again, since a package.json may have been added or removed meanwhile.
 */
export function forgetProjectRoots(): void {
  roots.clear()
}

/**
 * The files whose presence decided the project root of the spec at `specPath`: each folder's markers
 * from the spec's folder up to the root found (a verdict that rests on the root is stale when one
 * of them appears or goes).
 */
export function projectMarkerPaths(specPath: string): string[] {
  const root = findProjectRoot(specPath)
  const paths: string[] = []
  for (let dir = dirname(specPath); ; dir = dirname(dir)) {
    for (const marker of MARKERS) paths.push(join(dir, marker))
    if (dir === root || dirname(dir) === dir) break
  }
  return paths
}
