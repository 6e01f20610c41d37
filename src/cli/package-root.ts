/**
 * The folder weir is installed in (`…/node_modules/weir-pipelines`, or a checkout of the
 * repository), found from this module's own location, so that help texts can name files that ship
 * with the package: its docs and its version.
 */
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The package's names: `weir-pipelines` on npm; `weir` before the rename. */
const PACKAGE_NAMES = new Set(['weir-pipelines'])

interface PackageInfo {
  readonly root: string
  readonly version?: string
}

let found: PackageInfo | undefined

/** The package root and version; falls back to this module's folder if no package.json names weir. */
export function findPackage(): PackageInfo {
  if (found) return found
  const here = dirname(fileURLToPath(import.meta.url))
  // dist/cli/main.js, dist/chunks/*.js or src/cli/*.ts: the root is a few folders up.
  for (let dir = here, i = 0; i < 8; i++, dir = dirname(dir)) {
    const file = join(dir, 'package.json')
    if (!existsSync(file)) continue
    try {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown; version?: unknown }
      if (typeof pkg.name === 'string' && PACKAGE_NAMES.has(pkg.name)) return (found = { root: dir, ...(typeof pkg.version === 'string' && { version: pkg.version }) })
    } catch {
      // An unreadable package.json on the way up is not ours.
    }
  }
  return (found = { root: here })
}

/** The absolute path of a page of weir's docs (`running.md`, `cli.md#weir-run`), inside the installed package. */
export function docsPath(page: string): string {
  return join(findPackage().root, 'docs', page)
}
