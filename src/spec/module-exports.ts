/**
 * Lists a TypeScript/JavaScript module's export names by reading its text, without running it:
 * `spec validate` must never execute user code.
 */
import { readFileSync, statSync } from 'node:fs'
import { dirname, resolve } from 'node:path'

/** Extensions tried, in order, for a module path written without one. */
export const MODULE_EXTENSIONS = ['.ts', '.mts', '.cts', '.tsx', '.js', '.mjs', '.cjs'] as const

/** Resolves `path` (absolute) to an existing module file, trying extensions and `index` files. */
export function resolveModuleFile(path: string): string | undefined {
  // The tasks of a folder of specs point at a few modules: probe the disk once per path.
  if (resolved.has(path)) return resolved.get(path)
  const file = probeModuleFile(path)
  resolved.set(path, file)
  return file
}
const resolved = new Map<string, string | undefined>()

function probeModuleFile(path: string): string | undefined {
  if (isFile(path)) return path
  for (const ext of MODULE_EXTENSIONS) if (isFile(path + ext)) return path + ext
  // `./x.js` written for a `./x.ts` file, as TypeScript's nodenext resolution allows
  const js = /\.(m|c)?js$/.exec(path)
  if (js) {
    const ts = path.slice(0, -js[0].length) + `.${js[1] ?? ''}ts`
    if (isFile(ts)) return ts
  }
  for (const ext of MODULE_EXTENSIONS) if (isFile(resolve(path, 'index' + ext))) return resolve(path, 'index' + ext)
  return undefined
}

function isFile(path: string): boolean {
  try {
    return statSync(path, { throwIfNoEntry: false })?.isFile() ?? false
  } catch {
    return false // e.g. a NUL byte in the path, or a permission problem: not a usable module
  }
}

export interface ModuleExports {
  readonly names: ReadonlySet<string>
  /** Names exported only as types (`export type`, `export interface`): not callable handlers. */
  readonly typeNames: ReadonlySet<string>
  /** True when an `export * from` could not be followed (a package), so absence proves nothing. */
  readonly open: boolean
}

const cache = new Map<string, ModuleExports>()

/**
 * Export names of a module file, following relative `export * from` re-exports. Results are kept
 * for the life of the process (a CLI run): many specs share the same handler modules.
 */
export function readModuleExports(file: string): ModuleExports {
  let exports = cache.get(file)
  if (exports === undefined) cache.set(file, (exports = scanModuleExports(file, new Set())))
  return exports
}

/** Forgets what was read from disk (for long-lived processes that watch files). */
export function clearModuleCache(): void {
  cache.clear()
  resolved.clear()
}

function scanModuleExports(file: string, seen: Set<string>): ModuleExports {
  const names = new Set<string>()
  const typeNames = new Set<string>()
  let open = false
  if (seen.has(file) || seen.size > 20) return { names, typeNames, open }
  seen.add(file)
  const code = stripCommentsAndStrings(readFileSync(file, 'utf8'))
  for (const m of code.matchAll(/\bexport\s+(?:declare\s+)?(?:async\s+)?(?:function\s*\*?|const|let|var|class|abstract\s+class)\s+([A-Za-z_$][\w$]*)/g)) names.add(m[1]!)
  for (const m of code.matchAll(/\bexport\s+default\b/g)) if (m) names.add('default')
  for (const m of code.matchAll(/\bexport\s+(?:declare\s+)?(?:type|interface)\s+([A-Za-z_$][\w$]*)/g)) typeNames.add(m[1]!)
  for (const m of code.matchAll(/\bexport\s+(type\s+)?\{([^}]*)\}(\s*from\s*(["'`])([^"'`]*)\4)?/g)) {
    for (const part of m[2]!.split(',')) {
      const spec = part.trim()
      if (!spec) continue
      const alias = /\s+as\s+([A-Za-z_$][\w$]*|default)$/.exec(spec)
      const name = alias ? alias[1]! : spec.replace(/^type\s+/, '')
      // `export type { … }` and `export { type X }` export types only
      if (m[1] || spec.startsWith('type ')) typeNames.add(name)
      else names.add(name)
    }
  }
  for (const m of code.matchAll(/\bexport\s+\*\s+as\s+([A-Za-z_$][\w$]*)\s+from/g)) names.add(m[1]!)
  for (const m of code.matchAll(/\bexport\s+\*\s+from\s*(["'`])([^"'`]*)\1/g)) {
    const target = m[2]!
    const next = target.startsWith('.') ? resolveModuleFile(resolve(dirname(file), target)) : undefined
    if (!next) {
      open = true
      continue
    }
    const inner = scanModuleExports(next, seen)
    for (const n of inner.names) if (n !== 'default') names.add(n)
    for (const n of inner.typeNames) typeNames.add(n)
    open ||= inner.open
  }
  // CommonJS modules: `module.exports`/`exports.x` cannot be listed reliably, so trust them.
  if (/\bmodule\.exports\b|\bexports\.[A-Za-z_$]/.test(code)) open = true
  return { names, typeNames, open }
}

/**
 * Blanks out comments and the insides of string literals (keeping import specifiers, whose quotes
 * stay), so that `export` inside a string or comment is not mistaken for a declaration.
 */
export function stripCommentsAndStrings(code: string): string {
  let out = ''
  let i = 0
  while (i < code.length) {
    const c = code[i]!
    const next = code[i + 1]
    if (c === '/' && next === '/') {
      while (i < code.length && code[i] !== '\n') i++
    } else if (c === '/' && next === '*') {
      const end = code.indexOf('*/', i + 2)
      i = end === -1 ? code.length : end + 2
      out += ' '
    } else if (c === '"' || c === "'" || c === '`') {
      let j = i + 1
      while (j < code.length && code[j] !== c) {
        if (code[j] === '\\') j++
        else if (c !== '`' && code[j] === '\n') break
        j++
      }
      const body = code.slice(i + 1, j)
      // Keep specifiers after `from` readable; blank everything else.
      const keep = /\bfrom\s*$/.test(out)
      out += c + (keep ? body : body.replace(/[^\n]/g, ' ')) + c
      i = j + 1
    } else {
      out += c
      i++
    }
  }
  return out
}
