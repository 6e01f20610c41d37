import type { SpawnSyncReturns } from 'node:child_process'

/** Where `name` resolves from the package at `from` in a lockfile's `packages` map, or undefined. */
export function resolveLocation(packages: Record<string, unknown>, from: string, name: string): string | undefined

/** A package-lock.json for a project that depends on the packed tarball, every other package pinned as in this repository. */
export function lockfileFor(options: { repoLock: unknown; tarball: string; projectDir: string; project: { name: string; version?: string; devDependencies?: Record<string, string> } }): {
  name: string
  version: string
  lockfileVersion: 3
  requires: true
  packages: Record<string, Record<string, unknown>>
}

/** The package.json inside a packed tarball. */
export function readPackedManifest(tarball: string): { name: string; version: string; dependencies?: Record<string, string>; bin?: Record<string, string> }

/** Makes `projectDir` depend on the tarball, writes its lockfile and runs `npm ci --offline` there. */
export function installTarballOffline(options: { repoDir: string; tarball: string; projectDir: string; omitDev?: boolean; env?: NodeJS.ProcessEnv }): SpawnSyncReturns<string>
