/**
 * Mermaid's browser bundle, which `weir graph --format html` inlines into the page. The published
 * package ships it in dist/assets/ (scripts/build.mjs copies it there), so users do not install
 * mermaid and its dependencies; a clone running from src/ falls back to the mermaid dev dependency.
 */
import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { CliError } from './errors.ts'

/** Where the build puts the bundle, relative to the package's root folder. */
export const MERMAID_ASSET = 'dist/assets/mermaid.min.js'

/** The nearest folder at or above `dir` with a package.json: weir's root, seen from src/ or dist/. */
export function findPackageRoot(dir: string): string | undefined {
  for (let at = dir; ; at = dirname(at)) {
    if (existsSync(join(at, 'package.json'))) return at
    if (dirname(at) === at) return undefined
  }
}

/** Path of the bundle for the package at `root`: the shipped copy, else the mermaid package; undefined if neither. */
export function findMermaidScript(root: string): string | undefined {
  const shipped = join(root, MERMAID_ASSET)
  if (existsSync(shipped)) return shipped
  try {
    return createRequire(join(root, 'package.json')).resolve('mermaid/dist/mermaid.min.js')
  } catch {
    return undefined
  }
}

/** Reads the bundle, or fails with one line saying how to get it back. */
export async function readMermaidScript(): Promise<string> {
  const root = findPackageRoot(dirname(fileURLToPath(import.meta.url)))
  const path = root === undefined ? undefined : findMermaidScript(root)
  if (path === undefined)
    throw new CliError(`graph: Mermaid's browser bundle (${MERMAID_ASSET}) is missing from this installation of weir; reinstall weir-pipelines, or in a clone of weir run 'npm run build'.`)
  return readFile(path, 'utf8')
}
