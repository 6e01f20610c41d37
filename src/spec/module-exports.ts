/**
 * Lists a TypeScript/JavaScript module's export names by reading its text, without running it:
 * `spec validate` must never execute user code.
 */
import { readFileSync, statSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { createLineIndex } from './line-index.ts'
import { findSyntaxError } from './module-syntax.ts'
import type { ModuleSyntaxError } from './module-syntax.ts'

export { loadModuleLexer } from './module-syntax.ts'
export type { ModuleSyntaxError } from './module-syntax.ts'

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
  /** Where the module (or one it re-exports with `export *`) stops parsing; see `loadModuleLexer`. */
  readonly syntaxError?: ModuleSyntaxError
  /** Exports that are evidently not functions (`export const x = 5`), with what they are and where. */
  readonly notFunctions: ReadonlyMap<string, NotAFunction>
  /** The files read to find these exports: the module and every module it re-exports with `export *`. */
  readonly files: readonly string[]
  /** A module (this one or one it re-exports) too large to read: its exports are unknown (`open`). */
  readonly tooLarge?: TooLargeModule
}

/** A module not read because it is larger than MAX_MODULE_BYTES. */
export interface TooLargeModule {
  readonly file: string
  readonly bytes: number
}

/**
 * Modules larger than this are not read. A handler module that large is a bundle (real ones reach
 * ~10 MB: TypeScript's own typescript.js is 9 MB, read here in 0.2 s), and Node loads it fine, so
 * its pipeline must still validate and run: its exports are taken as unknown, and the handler rule
 * warns that it did not check them. Reading one costs about eight times its size in memory, and a
 * sparse file of 3 GB took 23 s and 4 GB before V8 refused it as a string.
 */
export const MAX_MODULE_BYTES = 50 * 1024 * 1024

/** An export whose value is written as a literal (a number, a string, an object, …) or is a class. */
export interface NotAFunction {
  /** What the value is, for messages: 'a number', 'an object', 'a class'. */
  readonly kind: string
  /** The module that declares it (a module re-exported with `export *`, or the module itself). */
  readonly file: string
  /** 1-based position of the export's name (of `default` for a default export) in that module. */
  readonly line: number
  readonly column: number
}

const cache = new Map<string, ModuleExports>()

/**
 * Export names of a module file, following relative `export * from` re-exports. Results are kept
 * for the life of the process (a CLI run): many specs share the same handler modules.
 */
export function readModuleExports(file: string): ModuleExports {
  let exports = cache.get(file)
  if (exports === undefined) {
    const seen = new Set<string>()
    cache.set(file, (exports = { ...scanModuleExports(file, seen), files: [...seen] }))
  }
  return exports
}

/** Forgets what was read from disk (for long-lived processes that watch files). */
export function clearModuleCache(): void {
  cache.clear()
  resolved.clear()
}

function scanModuleExports(file: string, seen: Set<string>): Omit<ModuleExports, 'files'> {
  const names = new Set<string>()
  const typeNames = new Set<string>()
  const notFunctions = new Map<string, NotAFunction>()
  let open = false
  if (seen.has(file) || seen.size > 20) return { names, typeNames, open, notFunctions }
  seen.add(file)
  const bytes = statSync(file).size
  if (bytes > MAX_MODULE_BYTES) return { names, typeNames, open: true, notFunctions, tooLarge: { file, bytes } }
  const source = readFileSync(file, 'utf8')
  let tooLarge: TooLargeModule | undefined
  let syntaxError = findSyntaxError(file, source)
  const code = stripCommentsAndStrings(source)
  findNotFunctions(file, code, notFunctions)
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
    for (const [n, what] of inner.notFunctions) if (n !== 'default' && !notFunctions.has(n)) notFunctions.set(n, what)
    open ||= inner.open
    syntaxError ??= inner.syntaxError
    tooLarge ??= inner.tooLarge
  }
  // CommonJS modules: `module.exports`/`exports.x` cannot be listed reliably, so trust them.
  if (/\bmodule\.exports\b|\bexports\.[A-Za-z_$]/.test(code)) open = true
  return { names, typeNames, open, notFunctions, ...(syntaxError && { syntaxError }), ...(tooLarge && { tooLarge }) }
}

/**
 * `export const x = <literal>` and `export default <literal>`: values that are evidently no function.
 * Only `const` (a `let` may be reassigned) and only values whose first token says what they are;
 * anything computed (`makeHandler()`, `new X()`, `(5)`) may be a function and is left alone.
 * A class (`export class X`, `export default class`, `export const X = class`) is one too: it is a
 * function to `typeof`, but calling it without `new`, as weir calls a handler, always throws.
 */
function findNotFunctions(file: string, code: string, found: Map<string, NotAFunction>): void {
  const lines = createLineIndex(code)
  const add = (name: string, nameAt: number, kind: string | undefined) => {
    if (kind === undefined || found.has(name)) return
    const { line, col } = lines.linePos(nameAt)
    found.set(name, { kind, file, line, column: col })
  }
  // The type annotation ends at the first `=` that is not part of `=>`.
  for (const m of code.matchAll(/\bexport\s+const\s+([A-Za-z_$][\w$]*)\s*(?::[^=;]*?)?=(?!>)\s*/dg)) add(m[1]!, m.indices![1]![0], describeLiteral(code, m.index + m[0].length))
  for (const m of code.matchAll(/\bexport\s+(default)\s+/dg)) add('default', m.indices![1]![0], describeLiteral(code, m.index + m[0].length))
  for (const m of code.matchAll(/\bexport\s+(?:declare\s+)?(?:abstract\s+)?class\s+([A-Za-z_$][\w$]*)/dg)) add(m[1]!, m.indices![1]![0], 'a class')
}

/** What a value written at `at` is, when its first token says so: 'a number', 'an object', … */
function describeLiteral(code: string, at: number): string | undefined {
  const c = code[at]
  if (c === '"' || c === "'" || c === '`') return 'a string'
  if (c === '{') return 'an object'
  if (c === '[') return 'an array'
  if (c === '/') return 'a regular expression' // comments are blanked already
  if (/^[-+]?\.?\d/.test(code.slice(at, at + 3))) return 'a number'
  const word = /^[A-Za-z_$][\w$]*/.exec(code.slice(at, at + 12))?.[0]
  if (word === 'true' || word === 'false') return 'a boolean'
  if (word === 'null') return 'null'
  if (word === 'class' || word === 'abstract') return 'a class'
  return undefined
}

/**
 * Blanks out comments and the insides of string literals (keeping import specifiers, whose quotes
 * stay), so that `export` inside a string or comment is not mistaken for a declaration. Every
 * character keeps its offset (newlines stay), so positions found in the result are the source's.
 *
 * Linear in the module's length: code between comments and strings is copied in one piece, and
 * whether a string follows `from` is told by the last few characters written, not by matching the
 * whole output (which took a minute for a 9 MB bundle such as typescript.js).
 */
export function stripCommentsAndStrings(code: string): string {
  const parts: string[] = []
  // The last characters written, up to the last one that is not a space: does the output end in `from`?
  let recent = ''
  const emit = (text: string): void => {
    parts.push(text)
    const trimmed = text.trimEnd()
    if (trimmed !== '') recent = (recent + trimmed.slice(-5)).slice(-5)
  }
  const SPECIAL = /[/"'`]/g
  let i = 0
  while (i < code.length) {
    SPECIAL.lastIndex = i
    const found = SPECIAL.exec(code)
    const at = found === null ? code.length : found.index
    if (at > i) emit(code.slice(i, at))
    i = at
    if (found === null) break
    const c = code[i]!
    const next = code[i + 1]
    if (c === '/' && next === '/') {
      const newline = code.indexOf('\n', i)
      const end = newline === -1 ? code.length : newline
      parts.push(' '.repeat(end - i))
      i = end
    } else if (c === '/' && next === '*') {
      const close = code.indexOf('*/', i + 2)
      const end = close === -1 ? code.length : close + 2
      parts.push(blank(code.slice(i, end)))
      i = end
    } else if (c === '/') {
      emit(c)
      i++
    } else {
      let j = i + 1
      while (j < code.length && code[j] !== c) {
        if (code[j] === '\\') j++
        else if (c !== '`' && code[j] === '\n') break
        j++
      }
      const body = code.slice(i + 1, Math.min(j, code.length))
      const closed = j < code.length && code[j] === c
      // Keep specifiers after `from` readable; blank everything else.
      const keep = /(?:^|[^\w])from$/.test(recent)
      emit(c + (keep ? body : blank(body)) + (closed ? c : ''))
      i = closed ? j + 1 : Math.min(j, code.length)
    }
  }
  return parts.join('')
}

/** Spaces for every character but newlines. */
function blank(text: string): string {
  return text.replace(/[^\n]/g, ' ')
}
