/**
 * The `code` part of a cache key: a hash over a handler module and every local module it imports,
 * transitively. Imports are read with es-module-lexer (static `import`/`export … from` and
 * dynamic imports with a literal path); a specifier is followed when it is relative (`./x`, `../x`),
 * an absolute path or a `file:` URL, and not inside a `node_modules` folder. Bare specifiers
 * (packages, `node:` builtins, `#` subpath imports, tsconfig `paths` aliases) are not followed:
 * docs/caching.md says so.
 *
 * A specifier resolves to the file the loader would load (`resolveFile`): the handler is imported
 * by its real path and jiti (or Node) resolves its imports from there, so a module reached through
 * a symbolic link imports relative to where it really is, and files are named by real paths.
 *
 * Each module is read and hashed once per hasher (one hasher per run, or per `weir execute`
 * process), however many tasks share it.
 */
import { promises as fsp, realpathSync } from 'node:fs'
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import type * as EsModuleLexer from 'es-module-lexer'
import { sha256Hex } from './canonical-json.ts'

/** Hashes handler modules with their local imports; memoised per module. */
export interface CodeHasher {
  /** The code hash of the module at `modulePath` and its local imports. */
  hashModule(modulePath: string): Promise<string>
  /**
   * The files behind that hash: project-relative path → SHA-256 of its bytes (`missing` when it
   * cannot be read; an import that resolves to no file is `<importer> → <specifier>`:
   * `unresolved <hash of the files beside where it points>`).
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
  /** Real paths of the local modules it imports (resolved), and specifiers that resolved to nothing. */
  readonly imports: readonly string[]
  readonly unresolved: readonly Unresolved[]
}

/** An import that resolves to no file, with a hash of what lies where it points (`nearOf`). */
interface Unresolved {
  readonly specifier: string
  readonly near: string
}

/** Creates a hasher; paths in the hash are relative to `projectRoot`, so moving the project keeps keys. */
export function createCodeHasher(projectRoot: string): CodeHasher {
  // Files are known by their real paths (see the module comment), so they are named relative to the
  // project's real path: a project under a link (macOS's /var) keeps its names.
  const root = realPathOrSame(projectRoot)
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
      const name = toPortable(relative(root, path))
      lines.push(`${name}\u0000${hash}`)
      files[name] = hash
      for (const { specifier, near } of unresolved) {
        lines.push(`${name}\u0000unresolved\u0000${specifier}\u0000${near}`)
        files[`${name} → ${specifier}`] = `unresolved ${near}`
      }
      for (const next of imports) seen.add(next)
    }
    return { hash: sha256Hex(lines.sort().join('\n')), files }
  }
  const closureOf = (modulePath: string): Promise<Closure> => {
    let closure = closures.get(modulePath)
    // The loader imports the handler's module by its real path, and so its imports from there.
    if (!closure) closures.set(modulePath, (closure = hashClosure(realPathOrSame(modulePath))))
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
  const unresolved: Unresolved[] = []
  // JSON and native addons import nothing; only modules are read for imports.
  if (MODULE.test(path))
    for (const specifier of await importSpecifiers(code.toString('utf8'))) {
      const target = localTarget(specifier, path)
      if (target === undefined) continue
      const file = await resolveFile(target)
      if (file === undefined) unresolved.push({ specifier, near: await nearOf(target) })
      else if (!isInNodeModules(file)) imports.push(file)
    }
  return { hash: sha256Hex(code), imports, unresolved }
}

const MODULE = /\.(?:[cm]?[jt]sx?|[cm]tsx)$/i

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

/**
 * The extensions jiti 2 tries for a relative import, in its order (its default `extensions`): a
 * `.js` file wins over a `.ts` one beside it, as the loader picks it.
 */
const JITI_EXTENSIONS = ['.js', '.mjs', '.cjs', '.ts', '.tsx', '.mts', '.cts', '.mtsx', '.ctsx']
/** What Node's `require.resolve` adds to a path, after jiti's own tries: JSON and native addons. */
const REQUIRE_EXTENSIONS = ['.js', '.json', '.node']

/**
 * The real path of the file a relative import loads, in the order the loader tries (jiti 2.7,
 * checked against it: test/unit/runtime/cache/code-hash.test.ts). A JavaScript handler that Node
 * loads itself gets the same: Node only takes a specifier naming a file, which is jiti's first try,
 * and weir hands any module Node cannot resolve to jiti.
 * 1. the file named; then with each of jiti's extensions; then its folder's `index` with each;
 * 2. Node's `require.resolve` (jiti's next step): `.json` and `.node`, then a folder's
 *    package.json `main` (as a file, with an extension, or as a folder's index), then its index;
 * 3. a `.js`, `.mjs`, `.cjs`, `.jsx` name for the `.ts`, `.mts`, `.cts`, `.tsx` file beside it.
 */
async function resolveFile(target: string): Promise<string | undefined> {
  const bare = target.replace(/[?#].*$/, '')
  const candidates = [bare, ...JITI_EXTENSIONS.map((e) => bare + e), ...JITI_EXTENSIONS.map((e) => join(bare, `index${e}`))]
  for (const candidate of candidates) if (await isFile(candidate)) return realPathOrSame(candidate)
  const required = await requireResolve(bare)
  if (required !== undefined) return realPathOrSame(required)
  const swapped = bare.replace(/\.(c|m)?j(sx?)$/, '.$1t$2')
  if (swapped !== bare && (await isFile(swapped))) return realPathOrSame(swapped)
  return undefined
}

/**
 * Node's CommonJS resolution of a path (LOAD_AS_FILE, then LOAD_AS_DIRECTORY), written out rather
 * than called: `require.resolve` keeps what it found for the life of the process, and a long-lived
 * one (`weir schedule`, `weir ui`) would not see a `main` changed since.
 */
async function requireResolve(path: string): Promise<string | undefined> {
  const asFile = async (p: string) => {
    for (const candidate of [p, ...REQUIRE_EXTENSIONS.map((e) => p + e)]) if (await isFile(candidate)) return candidate
    return undefined
  }
  const asIndex = async (p: string) => {
    for (const e of REQUIRE_EXTENSIONS) if (await isFile(join(p, `index${e}`))) return join(p, `index${e}`)
    return undefined
  }
  const file = await asFile(path)
  if (file !== undefined) return file
  const main = await fsp.readFile(join(path, 'package.json'), 'utf8').then(
    (text) => (JSON.parse(text) as { main?: unknown }).main,
    () => undefined,
  )
  if (typeof main === 'string' && main !== '') {
    const target = resolve(path, main)
    const found = (await asFile(target)) ?? (await asIndex(target))
    if (found !== undefined) return found
  }
  return asIndex(path)
}

/**
 * What lies where an import that resolves to nothing points, hashed: every entry of its folder
 * whose name is the import's or starts with it and a dot, and a folder's files (`describeNear`).
 * Whatever a loader could take for that import is among them, so if the loader finds a file
 * this hasher does not (a resolution rule it does not know), that file still changes the key when
 * it changes: a miss, never a stale hit. It costs a folder listing, only for such imports (rare:
 * the task fails to load, or the import is optional and caught, `import('./data').catch(…)`).
 */
async function nearOf(target: string): Promise<string> {
  const bare = target.replace(/[?#].*$/, '')
  const folder = dirname(bare)
  const name = basename(bare)
  const lines: string[] = []
  const entries = await fsp.readdir(folder, { withFileTypes: true }).catch(() => [])
  for (const entry of entries) {
    if (entry.name !== name && !entry.name.startsWith(`${name}.`)) continue
    const path = join(folder, entry.name)
    lines.push(`${entry.name}\u0000${await describeNear(path, entry.name)}`)
    if (await isFolder(path))
      for (const inner of await fsp.readdir(path).catch(() => [] as string[])) lines.push(`${entry.name}/${inner}\u0000${await describeNear(join(path, inner), inner)}`)
  }
  return sha256Hex(lines.sort().join('\n'))
}

/** Above this size a file beside an unresolved import is keyed by its size and modification time, not read. */
const NEAR_FILE_READ_BYTES = 1024 * 1024
/** Names a loader could take for a module: JavaScript and TypeScript, JSON (a package.json's `main`), native addons. */
const LOADABLE = /\.(?:[cm]?[jt]sx?|[cm]tsx|json|node)$/i

/**
 * What one entry beside an unresolved import adds to the key. A file whose name no loader takes
 * for a module (`data/sales.parquet` beside `import('./data')`) adds its name alone and is not read:
 * the folder may hold gigabytes of data, read on every run, and its contents change what the
 * handler reads, not what code it runs (its name still counts: a new `index.ts` there is a miss). A
 * loadable one is hashed, unless it is over 1 MB: then its size and modification time stand for its
 * bytes (an edit changes them; a fresh checkout too, which is a miss, never a stale hit).
 */
async function describeNear(path: string, name: string): Promise<string> {
  const info = await fsp.stat(path).catch(() => undefined)
  if (info === undefined) return 'unreadable'
  if (!info.isFile()) return 'folder'
  if (!LOADABLE.test(name)) return 'file'
  if (info.size > NEAR_FILE_READ_BYTES) return `${info.size} bytes, modified ${info.mtimeMs}`
  return fsp.readFile(path).then(sha256Hex, () => 'unreadable')
}

async function isFile(path: string): Promise<boolean> {
  return fsp.stat(path).then((s) => s.isFile(), () => false)
}

async function isFolder(path: string): Promise<boolean> {
  return fsp.stat(path).then((s) => s.isDirectory(), () => false)
}

/** The path with links followed, or the path itself when it cannot be (a missing file). */
function realPathOrSame(path: string): string {
  try {
    return realpathSync.native(path)
  } catch {
    return path
  }
}

function isInNodeModules(path: string): boolean {
  return path.split(sep).includes('node_modules')
}

function toPortable(path: string): string {
  return sep === '/' ? path : path.split(sep).join('/')
}
