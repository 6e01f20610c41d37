/**
 * The spec files `weir ui` shows: found under the given paths (as `spec validate` finds them),
 * validated, and kept until the file changes (size or mtime), so a page load validates only what changed.
 */
import { stat } from 'node:fs/promises'
import { relative, resolve } from 'node:path'
import type { Pipeline } from '../../spec/model.ts'
import type { Diagnostic } from '../../spec/diagnostics.ts'
import { hasErrors } from '../../spec/diagnostics.ts'
import type { PluginCatalog } from '../../spec/validate.ts'
import { validateSpecFile } from '../../spec/validate.ts'

/** One spec file, validated. */
export interface SpecEntry {
  /** Absolute path. */
  readonly path: string
  /** Relative to the folder weir ui was started in. */
  readonly shownPath: string
  readonly pipeline?: Pipeline
  readonly diagnostics: readonly Diagnostic[]
  readonly valid: boolean
}

export interface SpecIndexOptions {
  readonly paths: readonly string[]
  /** Expands files and folders into spec files (the CLI passes `spec validate`'s). */
  readonly findSpecFiles: (paths: readonly string[]) => Promise<string[]>
  readonly plugins: PluginCatalog
  readonly cwd: string
}

export interface SpecIndex {
  /** Every spec file, validated, in a stable order. */
  list(): Promise<readonly SpecEntry[]>
  /** The valid pipeline of this name, if a spec file defines one. */
  find(name: string): Promise<Pipeline | undefined>
}

const REFRESH_MS = 1000

/** Creates the index; nothing is read until first asked. */
export function createSpecIndex(options: SpecIndexOptions): SpecIndex {
  const cache = new Map<string, { key: string; entry: SpecEntry }>()
  let last: { at: number; entries: readonly SpecEntry[] } | undefined
  let pending: Promise<readonly SpecEntry[]> | undefined

  async function load(path: string): Promise<SpecEntry> {
    let key = ''
    try {
      const info = await stat(path)
      key = `${info.size}:${info.mtimeMs}`
    } catch {
      // Gone since it was found: validation reports it.
    }
    const hit = cache.get(path)
    if (hit && key !== '' && hit.key === key) return hit.entry
    const result = await validateSpecFile(path, { plugins: options.plugins })
    const valid = result.pipeline !== undefined && !hasErrors(result.diagnostics)
    const entry: SpecEntry = { path, shownPath: relative(options.cwd, path) || path, diagnostics: result.diagnostics, valid, ...(valid && { pipeline: result.pipeline }) }
    cache.set(path, { key, entry })
    return entry
  }

  async function refresh(): Promise<readonly SpecEntry[]> {
    const files = [...new Set((await options.findSpecFiles(options.paths.map((p) => resolve(options.cwd, p)))).map((f) => resolve(options.cwd, f)))]
    const entries = await Promise.all(files.map(load))
    last = { at: Date.now(), entries }
    return entries
  }

  async function list(): Promise<readonly SpecEntry[]> {
    if (last && Date.now() - last.at < REFRESH_MS) return last.entries
    pending ??= refresh().finally(() => (pending = undefined))
    return pending
  }

  return {
    list,
    async find(name) {
      return (await list()).find((e) => e.pipeline?.name === name)?.pipeline
    },
  }
}
