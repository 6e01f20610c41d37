/**
 * Loads handler modules at run time, TypeScript included, with no build step for the user.
 * Plain JavaScript (`.js`, `.mjs`, `.cjs`) is loaded by Node itself (required where it can be, see
 * `importModule`); jiti, which compiles
 * TypeScript, is imported on first use (it costs ~0.3 s of start-up, which every `weir execute` of a
 * JavaScript handler used to pay) for TypeScript modules, and for a JavaScript module Node cannot
 * load itself (one that imports a .ts file, or a path without its extension). Each module is loaded
 * once per process.
 *
 * Every load checks where the handler is now, so the in-process executor refuses what a fresh
 * `weir execute` process would (#15: an earlier task may re-point a handler's symlink during the
 * run). Checking only modules not imported yet would keep code from outside the project out of
 * the process, but the run would go on calling a module whose link now points elsewhere, which a
 * subprocess refuses; a link re-pointed to another file inside the project would keep running the
 * old one. The executors must agree, so:
 * - a load stats the handler's path (one system call, links followed): while it is the same
 *   file (device and inode) as at the last check, the real path found then still holds;
 * - a check is reused without that stat only while nothing can have changed the path since: in the
 *   same turn of the event loop, with no handler called or settled in this process since
 *   (`noteHandlerActivity`). A task downstream of the one that re-pointed a link, a retry and a
 *   later turn always stat again; what is saved is a stat per task when many start together (the
 *   stat was ~35% of a no-op task's cost in process). The one case a fresh process could judge
 *   differently: a handler still running re-points a link while tasks unrelated to it start in one
 *   burst, an order between them that nothing fixes anyway;
 * - otherwise the real path is read again, and compared with the project's; the comparison is
 *   cached by the two real paths (recomputing `path.relative` on every attempt cost ~9% at 100k
 *   tasks, and a full realpath is several system calls);
 * - modules are cached and imported by that checked real path, so a swap between the check and
 *   the import cannot slip another file in, and a re-pointed link loads its new target.
 * The one difference left: a hard link of the same file, outside the project, is accepted; it is
 * the very file that was checked.
 *
 * A run passes its own `HandlerChecks` (one per run, executor-host.ts), and then a module whose path
 * inside the project goes through no symbolic link is checked once per run, not at every attempt
 * (the stat, and the Stats object with its four Dates, were a third of a no-op task's cost in a
 * chain). #15's protection holds: a task can only make such a path lead outside by replacing a file
 * or folder of the project with a link, and the run then goes on calling the module it imported
 * from inside the project; no code from outside is loaded. A path through a link inside the project
 * (the case of #15: a task re-points the link) is checked at every attempt as above.
 */
import { realpathSync, statSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join, relative } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { HandlerRef } from '../spec/model.ts'
import { WeirError } from './errors.ts'
import { isInside } from '../spec/inside-folder.ts'
import { propertyOf, thrownText } from '../spec/thrown-value.ts'
import { suggestFix } from '../spec/did-you-mean.ts'
import type { HandlerProblem } from '../spec/handler-problems.ts'
import { moduleErrorLocation } from './module-error-location.ts'
import { typeScriptImporter } from './typescript-importer.ts'

/** A handler: any exported function `(inputs, ctx) => output | Promise<output>`. */
export type HandlerFunction = (inputs: Record<string, unknown>, ctx: unknown) => unknown

/** Where a handler is named, for the messages of a handler that cannot be used: its task and spec. */
export interface HandlerSite {
  readonly taskId: string
  readonly specPath: string
}

/** Exports `loadHandler` found to be functions weir can call (not classes): `loadedHandler` returns only these. */
const callable = new WeakSet<object>()

/** Module promises by real path. */
const modules = new Map<string, Promise<unknown>>()
/** Modules by real path, once imported: `loadedHandler` answers from here without a promise. */
const loaded = new Map<string, unknown>()
/** Real path → how many native imports of it failed: Node keeps a failed module, so a retry asks for a new URL. */
const failedImports = new Map<string, number>()
/** `<real project root>\0<real module path>` → inside; both parts are real paths, so this never goes stale. */
const insideByRealPaths = new Map<string, boolean>()
/** Project folder → its real path (the folder of the spec itself is not re-pointed by a task). */
const realRoots = new Map<string, string>()
/** Module path → the file it led to at the last check, found inside `root`. */
const checked = new Map<string, { readonly root: string; readonly real: string; readonly linkFree: boolean; readonly dev: number; readonly ino: number; epoch: number; turn: number }>()
/** Bumped each time a handler is called or settles in this process. */
let handlerEpoch = 0
/** Bumped at the end of each turn of the event loop in which a check was made. */
let turn = 0
let turnEnding = false

/**
 * The handler checks of one run: module path → its real path, for modules whose path inside the
 * project goes through no link, checked once in this run (see the module comment). One per run.
 */
export class HandlerChecks {
  readonly #linkFree = new Map<string, { readonly root: string; readonly real: string }>()

  /** The real path checked in this run, when the path is link-free and was checked against `root`. */
  realOf(modulePath: string, root: string): string | undefined {
    const known = this.#linkFree.get(modulePath)
    return known !== undefined && known.root === root ? known.real : undefined
  }

  remember(modulePath: string, root: string, real: string): void {
    this.#linkFree.set(modulePath, { root, real })
  }
}

/** Tells the loader that a handler was called or settled: user code may have re-pointed a link. */
export function noteHandlerActivity(): void {
  handlerEpoch++
}

/** The current turn of the event loop, as far as checks are concerned. */
function currentTurn(): number {
  if (!turnEnding) {
    turnEnding = true
    setImmediate(endTurn).unref()
  }
  return turn
}

function endTurn(): void {
  turn++
  turnEnding = false
}

/**
 * Imports the handler's module and returns the named export. Refuses modules outside `projectRoot`
 * (a spec must not make weir run code from elsewhere on the machine).
 */
export async function loadHandler(ref: HandlerRef, projectRoot: string, run?: HandlerChecks, site?: HandlerSite): Promise<HandlerFunction> {
  const real = checkedRealPath(ref, projectRoot, run)
  let loading = modules.get(real)
  if (!loading) {
    loading = importModule(real, projectRoot)
    modules.set(real, loading)
    // A failed import is not cached: the next attempt may find the file fixed.
    loading.catch(() => modules.delete(real))
  }
  let mod: unknown
  try {
    mod = await loading
    loaded.set(real, mod)
  } catch (error) {
    // What the module's text shows (it does not parse, it is gone) is told as spec validate tells it.
    const known = await staticProblem(ref, projectRoot, site, LOAD_PROBLEMS)
    if (known) throw new WeirError(known.code, known.message, { cause: error })
    const full = thrownText(error).replace(REQUIRE_STACK, '')
    const location = moduleErrorLocation(error, real, projectRoot, compiledErrors.has(error as object))
    // One line: a type stripper's ParseError adds a second with the absolute path and position.
    const message = (location ? full.split('\n')[0]! : full).replace(/\s+/g, ' ').trim()
    throw new WeirError('HANDLER_NOT_FOUND', `Cannot load handler module '${ref.written}': ${message}${location ? ` (at ${location})` : ''}`, { cause: error })
  }
  const fn = (mod as Record<string, unknown> | null)?.[ref.exportName]
  // Refused before it is called: calling a class without `new` throws at every attempt, and retries
  // (an engine's too) would only repeat it.
  if (typeof fn !== 'function' || isClass(fn)) throw await unusableExport(ref, mod, fn, projectRoot, site)
  callable.add(fn)
  return fn as HandlerFunction
}

/** Node's `require` lists the modules that required the missing one; the message names the module already. */
const REQUIRE_STACK = /\n\s*Require stack:[\s\S]*$/

/** What `weir spec validate` would report that explains a module that cannot be loaded. */
const LOAD_PROBLEMS: ReadonlySet<string> = new Set(['HANDLER_NOT_FOUND', 'HANDLER_SYNTAX_ERROR'])
/** What it would report that explains an export that cannot be called. */
const EXPORT_PROBLEMS: ReadonlySet<string> = new Set(['HANDLER_EXPORT_MISSING', 'HANDLER_NOT_A_FUNCTION'])

/**
 * The problem `weir spec validate` reports for this handler (the same code and words, the module's
 * own position included), when it is one of `codes`; undefined when the module's text shows none of
 * them, or without a site to name. Read only on the way to failing: `weir execute` does not check
 * handlers before it runs one (docs/remote.md), and this is how it still says what validate says.
 */
async function staticProblem(ref: HandlerRef, projectRoot: string, site: HandlerSite | undefined, codes: ReadonlySet<string>): Promise<HandlerProblem | undefined> {
  if (site === undefined) return undefined
  try {
    const [{ findHandlerFacts, handlerProblem }, { clearModuleCache, loadModuleLexer }] = await Promise.all([import('../spec/handler-problems.ts'), import('../spec/module-exports.ts')])
    await loadModuleLexer()
    // The module may have changed since this process last read it (weir ui, weir schedule).
    clearModuleCache()
    const problem = handlerProblem(findHandlerFacts(ref.written, site.specPath, projectRoot), site.taskId, site.specPath, projectRoot)
    return problem !== undefined && codes.has(problem.code) ? problem : undefined
  } catch {
    return undefined // the text cannot tell; the run says what it found
  }
}

/**
 * Why the named export cannot be called: as `weir spec validate` says it when the module's text
 * shows it, else from what the loaded module holds, in the same words.
 */
async function unusableExport(ref: HandlerRef, mod: unknown, fn: unknown, projectRoot: string, site: HandlerSite | undefined): Promise<WeirError> {
  const known = await staticProblem(ref, projectRoot, site, EXPORT_PROBLEMS)
  if (known) return new WeirError(known.code, known.message)
  const task = site ? `task '${site.taskId}'` : 'its task'
  const module = writtenModule(ref)
  if (fn === undefined) {
    const names = Object.keys((mod as object | null) ?? {}).filter((name) => name !== '__esModule' && name !== 'module.exports')
    const add = `it exports nothing; add \`export async function ${ref.exportName === 'default' ? 'handler' : ref.exportName}(inputs, ctx) { … }\``
    return new WeirError('HANDLER_EXPORT_MISSING', `Module '${module}' has no export '${ref.exportName}' for ${task}${suggestFix(ref.exportName, names, 'its exports', add)}`)
  }
  return new WeirError('HANDLER_NOT_A_FUNCTION', `Export '${ref.exportName}' of module '${module}' is ${kindOf(fn)}, not a function; point ${task} at an exported function.`)
}

/** What an export is, for messages: `a class`, `a number`, `an object`, … */
function kindOf(value: unknown): string {
  if (typeof value === 'function') return 'a class'
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  if (value instanceof RegExp) return 'a regular expression'
  if (typeof value === 'object') return 'an object'
  return typeof value === 'bigint' ? 'a BigInt' : `a ${typeof value}`
}

/** Whether a function is a class, which cannot be called without `new` (its source starts with `class`). */
function isClass(fn: object): boolean {
  try {
    return /^class\b/.test(Function.prototype.toString.call(fn))
  } catch {
    return false
  }
}

/** The module of a handler as the spec writes it (`../handlers/h.ts`). */
function writtenModule(ref: HandlerRef): string {
  const hash = ref.written.lastIndexOf('#')
  return hash === -1 ? ref.written : ref.written.slice(0, hash)
}

/**
 * The handler when its module is already imported, checked exactly as `loadHandler` checks it (the
 * same stat, the same HANDLER_OUTSIDE_PROJECT), without a promise or a turn of the microtask queue;
 * undefined when it must be loaded (or its export is missing, or no function weir can call): then
 * call `loadHandler`.
 */
export function loadedHandler(ref: HandlerRef, projectRoot: string, run?: HandlerChecks): HandlerFunction | undefined {
  const mod = loaded.get(checkedRealPath(ref, projectRoot, run))
  const fn = (mod as Record<string, unknown> | undefined)?.[ref.exportName]
  return typeof fn === 'function' && callable.has(fn) ? (fn as HandlerFunction) : undefined
}

/** TypeScript sources, which only jiti can load. */
const TYPESCRIPT = /\.(?:[cm]?ts|tsx)$/i
/** Node could not resolve or read what the module imports, but jiti may (a .ts import, a path without extension). */
const JITI_MAY_LOAD = new Set(['ERR_UNKNOWN_FILE_EXTENSION', 'ERR_MODULE_NOT_FOUND', 'ERR_UNSUPPORTED_DIR_IMPORT', 'ERR_REQUIRE_ESM'])

/**
 * JavaScript Node loads with `require` (ES modules too, since Node 20.19): starting Node's ES module
 * loader for `import()` costs a `weir execute` process about a fifth of a bare Node's start. A module
 * with top-level await cannot be required and is imported, as is any module after a failed load.
 */
const REQUIRABLE = /\.[cm]?js$/i
const canRequireModules = (process.features as { require_module?: boolean }).require_module === true

/** Errors raised by modules jiti compiled: their frames' columns are the compiled code's, not the source's. */
const compiledErrors = new WeakSet<object>()

/** Imports a module with jiti, marking what it throws as coming from compiled code. */
async function importCompiled(real: string, projectRoot: string): Promise<unknown> {
  try {
    return await (await typeScriptImporter(projectRoot))(real)
  } catch (error) {
    if (typeof error === 'object' && error !== null) compiledErrors.add(error)
    throw error
  }
}

/** Imports a module by its real path: JavaScript natively, TypeScript (or JavaScript Node refuses) with jiti. */
async function importModule(real: string, projectRoot: string): Promise<unknown> {
  if (TYPESCRIPT.test(real)) return importCompiled(real, projectRoot)
  const failures = failedImports.get(real) ?? 0
  const url = pathToFileURL(real).href
  try {
    if (failures === 0 && canRequireModules && REQUIRABLE.test(real)) {
      try {
        return createRequire(real)(real)
      } catch (error) {
        if (propertyOf(error, 'code') !== 'ERR_REQUIRE_ASYNC_MODULE') throw error
      }
    }
    return await import(failures === 0 ? url : `${url}?retry=${failures}`)
  } catch (error) {
    failedImports.set(real, failures + 1)
    if (!JITI_MAY_LOAD.has(propertyOf(error, 'code') as string)) throw error
    return importCompiled(real, projectRoot)
  }
}

/** The real path of the handler's module, checked to be inside the project; throws HANDLER_OUTSIDE_PROJECT. */
function checkedRealPath(ref: HandlerRef, projectRoot: string, run: HandlerChecks | undefined): string {
  const inRun = run?.realOf(ref.modulePath, projectRoot)
  if (inRun !== undefined) return inRun
  const last = checked.get(ref.modulePath)
  if (last && last.epoch === handlerEpoch && last.turn === turn && last.root === projectRoot) return remembered(run, ref, last)
  const now = statSync(ref.modulePath, { throwIfNoEntry: false })
  if (now && last && now.ino === last.ino && now.dev === last.dev && last.root === projectRoot) {
    last.epoch = handlerEpoch
    last.turn = currentTurn()
    return remembered(run, ref, last)
  }
  checked.delete(ref.modulePath)
  const real = realPathOf(ref.modulePath)
  if (!isRealPathInside(projectRoot, real))
    throw new WeirError('HANDLER_OUTSIDE_PROJECT', `Handler '${ref.written}' resolves to '${real}', outside the project '${projectRoot}'; move the module into the project.`)
  if (!now) return real
  const entry = { root: projectRoot, real, linkFree: isLinkFree(projectRoot, ref.modulePath, real), dev: now.dev, ino: now.ino, epoch: handlerEpoch, turn: currentTurn() }
  checked.set(ref.modulePath, entry)
  return remembered(run, ref, entry)
}

/** Keeps a link-free module's check for the rest of the run; returns its real path. */
function remembered(run: HandlerChecks | undefined, ref: HandlerRef, check: { readonly root: string; readonly real: string; readonly linkFree: boolean }): string {
  if (run !== undefined && check.linkFree) run.remember(ref.modulePath, check.root, check.real)
  return check.real
}

/**
 * Whether the module's path goes through no link inside the project: its real path is the project's
 * real path followed by the same names. (Links above the project, such as macOS's /var → /private/var,
 * do not count: a task does not re-point the folder the project is in, as `isRealPathInside` assumes.)
 */
function isLinkFree(projectRoot: string, modulePath: string, real: string): boolean {
  const within = relative(projectRoot, modulePath)
  return !within.startsWith('..') && real === join(realRootOf(projectRoot), within)
}

/** The file a path names now, links followed; a missing file is judged (and then fails to load) as written. */
function realPathOf(path: string): string {
  try {
    return realpathSync.native(path)
  } catch {
    return path
  }
}

function realRootOf(projectRoot: string): string {
  let root = realRoots.get(projectRoot)
  if (root === undefined) realRoots.set(projectRoot, (root = realPathOf(projectRoot)))
  return root
}

function isRealPathInside(projectRoot: string, realPath: string): boolean {
  const root = realRootOf(projectRoot)
  const key = `${root}\0${realPath}`
  let inside = insideByRealPaths.get(key)
  if (inside === undefined) insideByRealPaths.set(key, (inside = isInside(root, realPath)))
  return inside
}
