/**
 * The spec files `weir ui` shows: found under the given paths (as `spec validate` finds them),
 * validated, and kept until the file or one of the handler modules it names changes (size or
 * mtime), so a page load validates only what changed.
 */
import { stat } from 'node:fs/promises'
import { relative, resolve } from 'node:path'
import type { Pipeline } from '../../spec/model.ts'
import type { Diagnostic } from '../../spec/diagnostics.ts'
import { hasErrors } from '../../spec/diagnostics.ts'
import { clearModuleCache } from '../../spec/module-exports.ts'
import type { PluginCatalog } from '../../spec/validate.ts'
import { validateSpecFile } from '../../spec/validate.ts'
import { forgetProjectRoots } from '../../spec/project-root.ts'

/** One spec file, validated. */
export interface SpecEntry {
  /** Absolute path. */
  readonly path: string
  /** Relative to the folder weir ui was started in. */
  readonly shownPath: string
  /** The pipeline's name; for an invalid spec, the name it had when it was last valid, if ever. */
  readonly name?: string
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
  /** Every spec file, validated, in a stable order (at most a second old). */
  list(): Promise<readonly SpecEntry[]>
  /** The valid pipeline of this name, if a spec file defines one. */
  find(name: string): Promise<Pipeline | undefined>
  /**
   * The spec file of the pipeline of this name as it is on disk now (for starting a run): the valid
   * one if there is one, else one that had this name when it was last valid, with its diagnostics.
   */
  current(name: string): Promise<SpecEntry | undefined>
}

const REFRESH_MS = 1000

interface Cached {
  /** Size and mtime of the spec and of each file the verdict rests on. */
  readonly stamp: string
  readonly dependsOn: readonly string[]
  readonly entry: SpecEntry
}

/** Creates the index; nothing is read until first asked. */
export function createSpecIndex(options: SpecIndexOptions): SpecIndex {
  const cache = new Map<string, Cached>()
  let last: { at: number; entries: readonly SpecEntry[] } | undefined
  let pending: Promise<readonly SpecEntry[]> | undefined

  async function validate(path: string): Promise<Cached> {
    const stampBefore = await stampOf(path, [])
    const dependsOn = new Set<string>()
    const result = await validateSpecFile(path, { plugins: options.plugins, dependsOn })
    const valid = result.pipeline !== undefined && !hasErrors(result.diagnostics)
    const name = valid ? result.pipeline!.name : cache.get(path)?.entry.name
    const entry: SpecEntry = {
      path,
      shownPath: relative(options.cwd, path) || path,
      diagnostics: result.diagnostics,
      valid,
      ...(name !== undefined && { name }),
      ...(valid && { pipeline: result.pipeline }),
    }
    // Stamped with the spec as it was before reading, so an edit made while validating is seen next time.
    const stamp = stampBefore === '' ? '' : `${stampBefore}${await stampOf(undefined, [...dependsOn])}`
    return { stamp, dependsOn: [...dependsOn], entry }
  }

  async function refresh(): Promise<readonly SpecEntry[]> {
    const files = [...new Set((await options.findSpecFiles(options.paths.map((p) => resolve(options.cwd, p)))).map((f) => resolve(options.cwd, f)))]
    const isStale = async (f: string) => {
      const hit = cache.get(f)
      return hit === undefined || hit.stamp === '' || (await stampOf(f, hit.dependsOn)) !== hit.stamp
    }
    const staleness = await Promise.all(files.map(isStale))
    const stale = files.filter((_, i) => staleness[i])
    // Handler modules' exports are kept for the life of the process, and project roots too; one of
    // them may be what changed.
    if (stale.length > 0 && cache.size > 0) {
      clearModuleCache()
      forgetProjectRoots()
    }
    for (const [path, fresh] of await Promise.all(stale.map(async (f) => [f, await validate(f)] as const))) cache.set(path, fresh)
    const entries = files.map((f) => cache.get(f)!.entry)
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
    async current(name) {
      // Not the last second's list: the page may have shown a verdict the disk no longer agrees with.
      await pending?.catch(() => undefined)
      last = undefined
      const entries = await list()
      return entries.find((e) => e.pipeline?.name === name) ?? entries.find((e) => e.name === name)
    },
  }
}

/** Size and mtime of the spec (`''` when it cannot be read) followed by those of each dependency. */
async function stampOf(spec: string | undefined, dependsOn: readonly string[]): Promise<string> {
  const one = async (path: string) => {
    try {
      const info = await stat(path)
      return `${info.size}:${info.mtimeMs}`
    } catch {
      return '-'
    }
  }
  const head = spec === undefined ? '' : await one(spec)
  if (head === '-') return ''
  const rest = await Promise.all(dependsOn.map(one))
  return head + rest.map((s) => `|${s}`).join('')
}
