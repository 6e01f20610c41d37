/**
 * The `code` part of a cache key: a hash over a handler module and every local module it imports,
 * transitively. Imports are read with es-module-lexer (static `import`/`export … from` and
 * dynamic imports with a literal path); a specifier is followed when it is relative (`./x`, `../x`),
 * an absolute path or a `file:` URL, and not inside a `node_modules` folder. Bare specifiers
 * (packages, `node:` builtins, `#` subpath imports, tsconfig `paths` aliases) are not followed:
 * docs/caching.md says so.
 *
 * Each module is read and hashed once per hasher (one hasher per run, or per `weir execute`
 * process), however many tasks share it.
 */
import { promises as fsp } from 'node:fs'
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import type * as EsModuleLexer from 'es-module-lexer'
import { sha256Hex } from './canonical-json.ts'

/** Hashes handler modules with their local imports; memoised per module. */
export interface CodeHasher {
  /** The code hash of the module at `modulePath` and its local imports. */
  hashModule(modulePath: string): Promise<string>
  /**
   * The files behind that hash: project-relative path → SHA-256 of its bytes (`missing` when it
   * cannot be read; an import that resolves to no file is `<importer> → <specifier>`: `unresolved`).
   * Kept in cache entries so `--explain-cache` can name the file that changed.
   */
  filesOf(modulePath: string): Promise<Readonly<Record<string, string>>>
}

interface Closure {
  readonly hash: string
  readonly files: Readonly<Record<string, string>>
}

interface ModuleFacts {
  /** SHA-256 of the file's bytes, or `missing` when it cannot be read. */
  readonly hash: string
  /** Absolute paths of the local modules it imports (resolved), and specifiers that resolved to nothing. */
  readonly imports: readonly string[]
  readonly unresolved: readonly string[]
}

/** Extensions tried for an import written without one (or with `.js` for a `.ts` file). */
const EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs', '.json']
const JS_TO_TS: Readonly<Record<string, readonly string[]>> = { '.js': ['.ts', '.tsx'], '.jsx': ['.tsx'], '.mjs': ['.mts'], '.cjs': ['.cts'] }

/** Creates a hasher; paths in the hash are relative to `projectRoot`, so moving the project keeps keys. */
export function createCodeHasher(projectRoot: string): CodeHasher {
  const facts = new Map<string, Promise<ModuleFacts>>()
  const closures = new Map<string, Promise<Closure>>()
  const factsOf = (path: string): Promise<ModuleFacts> => {
    let found = facts.get(path)
    if (!found) facts.set(path, (found = readFacts(path)))
    return found
  }
  const hashClosure = async (entry: string): Promise<Closure> => {
    const seen = new Set<string>([entry])
    const lines: string[] = []
    const files: Record<string, string> = {}
    for (const path of seen) {
      const { hash, imports, unresolved } = await factsOf(path)
      const name = toPortable(relative(projectRoot, path))
      lines.push(`${name}\u0000${hash}`)
      files[name] = hash
      for (const specifier of unresolved) {
        lines.push(`${name}\u0000unresolved\u0000${specifier}`)
        files[`${name} → ${specifier}`] = 'unresolved'
      }
      for (const next of imports) seen.add(next)
    }
    return { hash: sha256Hex(lines.sort().join('\n')), files }
  }
  const closureOf = (modulePath: string): Promise<Closure> => {
    let closure = closures.get(modulePath)
    if (!closure) closures.set(modulePath, (closure = hashClosure(modulePath)))
    return closure
  }
  return {
    hashModule: async (modulePath) => (await closureOf(modulePath)).hash,
    filesOf: async (modulePath) => (await closureOf(modulePath)).files,
  }
}

async function readFacts(path: string): Promise<ModuleFacts> {
  let code: Buffer
  try {
    code = await fsp.readFile(path)
  } catch {
    return { hash: 'missing', imports: [], unresolved: [] }
  }
  const imports: string[] = []
  const unresolved: string[] = []
  if (!/\.json$/i.test(path))
    for (const specifier of await importSpecifiers(code.toString('utf8'))) {
      const target = localTarget(specifier, path)
      if (target === undefined) continue
      const file = await resolveFile(target)
      if (file === undefined) unresolved.push(specifier)
      else if (!isInNodeModules(file)) imports.push(file)
    }
  return { hash: sha256Hex(code), imports, unresolved }
}

let lexer: Promise<typeof EsModuleLexer> | undefined

/** The module specifiers a module imports statically, re-exports from, or imports dynamically with a literal. */
export async function importSpecifiers(code: string): Promise<string[]> {
  lexer ??= import('es-module-lexer').then(async (loaded) => {
    await loaded.init
    return loaded
  })
  const { parse } = await lexer
  try {
    const [imports] = parse(code)
    // `import type` is erased before the code runs, so it cannot change what the handler does.
    return imports.flatMap((i) => (typeof i.specifier !== 'string' || (i.type !== 'dynamic' && i.typeOnly) ? [] : [i.specifier]))
  } catch {
    // JSX, or code the lexer cannot read: a plain scan still finds every quoted specifier after
    // `from`, `import` or `import(` (it may find more, which only makes the key stricter).
    return [...code.matchAll(/(?:\bfrom|\bimport)\s*\(?\s*(['"])([^'"\n]+)\1/g)].map((m) => m[2]!)
  }
}

/** The absolute path a specifier points at when it is local; undefined for packages and builtins. */
function localTarget(specifier: string, from: string): string | undefined {
  if (specifier.startsWith('./') || specifier.startsWith('../') || specifier === '.' || specifier === '..') return resolve(dirname(from), specifier)
  if (specifier.startsWith('file:')) {
    try {
      return fileURLToPath(specifier)
    } catch {
      return undefined
    }
  }
  return isAbsolute(specifier) ? specifier : undefined
}

/** The file an import resolves to, as Node and TypeScript resolve relative imports. */
async function resolveFile(target: string): Promise<string | undefined> {
  const bare = target.replace(/[?#].*$/, '')
  const candidates = [bare]
  const ext = /\.[cm]?jsx?$/i.exec(bare)?.[0]?.toLowerCase()
  if (ext) for (const ts of JS_TO_TS[ext] ?? []) candidates.push(bare.slice(0, -ext.length) + ts)
  for (const e of EXTENSIONS) candidates.push(bare + e)
  for (const e of EXTENSIONS) candidates.push(`${bare}${sep}index${e}`)
  for (const candidate of candidates) if (await isFile(candidate)) return candidate
  return undefined
}

async function isFile(path: string): Promise<boolean> {
  return fsp.stat(path).then((s) => s.isFile(), () => false)
}

function isInNodeModules(path: string): boolean {
  return path.split(sep).includes('node_modules')
}

function toPortable(path: string): string {
  return sep === '/' ? path : path.split(sep).join('/')
}
