/**
 * What is wrong with a task's `handler:`, told from the disk and the module's text, never by running
 * it: `weir spec validate` reports it (rules/handlers.ts), and a run that cannot load or use a
 * handler says the same (runtime/load-handler.ts), so that a missing export, a class or a module
 * that does not parse reads alike, with the same code, in `weir spec validate`, `weir run` and
 * `weir execute`.
 */
import { readdirSync, realpathSync, statSync } from 'node:fs'
import { dirname, relative } from 'node:path'
import { MAX_MODULE_BYTES, readModuleExports } from './module-exports.ts'
import { resolveHandler } from './resolve-handler.ts'
import { listChoices, suggestFix } from './did-you-mean.ts'
import { isInside, isRealPathInside } from './inside-folder.ts'
import { findProjectRoot, projectMarker } from './project-root.ts'
import type { DiagnosticCode } from './diagnostics.ts'
import { thrownText } from './thrown-value.ts'

/** A problem of a handler: its code and message, as `weir spec validate` reports them. */
export interface HandlerProblem {
  readonly code: DiagnosticCode
  readonly message: string
  /** HANDLER_NOT_CHECKED is a warning. */
  readonly severity?: 'warning'
}

/** What the disk says of a handler as written. */
export interface HandlerFacts {
  readonly resolved: ReturnType<typeof resolveHandler>
  readonly inside: boolean
  readonly exports?: ReturnType<typeof readModuleExports>
  readonly readError?: string
  /** Nothing to report for any task naming this handler. */
  readonly ok: boolean
}

/**
 * The problem of the handler of task `id`, from its facts (`findHandlerFacts`); undefined when there
 * is none. Modules are lexed for syntax errors only once `loadModuleLexer` has been awaited.
 */
export function handlerProblem(fact: HandlerFacts, id: string, sourcePath: string, projectRoot: string): HandlerProblem | undefined {
  if (fact.ok) return undefined
  const { resolved, inside } = fact
  if (!resolved.file) {
    // A folder is a module only through its index file: 'does not exist' sent users looking for a typo.
    const message = isFolder(resolved.absolute)
      ? `Handler module '${resolved.modulePath}' of task '${id}' is a folder ('${relative(projectRoot, resolved.absolute) || '.'}'), not a module file, and it has no index.ts or index.js; ${nameModuleIn(resolved.absolute, resolved.modulePath, resolved.exportName)}.`
      : `Handler module '${resolved.modulePath}' of task '${id}' does not exist (looked for '${relative(projectRoot, resolved.absolute) || '.'}' with .ts/.js extensions); paths are relative to the spec file.`
    return { code: 'HANDLER_NOT_FOUND', message }
  }
  if (!inside)
    return { code: 'HANDLER_OUTSIDE_PROJECT', message: `Handler module '${resolved.modulePath}' of task '${id}' is outside the project folder '${projectRoot}'${explainProjectRoot(projectRoot, sourcePath, resolved.file)}.` }
  if (fact.readError !== undefined)
    return { code: 'HANDLER_NOT_FOUND', message: `Handler module '${resolved.modulePath}' of task '${id}' cannot be read: ${fact.readError}.` }
  const exports = fact.exports!
  if (exports.syntaxError) {
    const { file, line, column, reason } = exports.syntaxError
    return { code: 'HANDLER_SYNTAX_ERROR', message: `Handler module '${resolved.modulePath}' of task '${id}' does not parse: ${relative(process.cwd(), file)}:${line}:${column}: ${reason}; fix the module.` }
  }
  const notFunction = exports.notFunctions.get(resolved.exportName)
  if (notFunction) {
    const where = `${relative(process.cwd(), notFunction.file)}:${notFunction.line}:${notFunction.column}`
    return { code: 'HANDLER_NOT_A_FUNCTION', message: `Export '${resolved.exportName}' of module '${resolved.modulePath}' is ${notFunction.kind} (${where}), not a function; point task '${id}' at an exported function.` }
  }
  if (!exports.names.has(resolved.exportName) && exports.typeNames.has(resolved.exportName))
    return { code: 'HANDLER_EXPORT_MISSING', message: `'${resolved.exportName}' is only a type in module '${resolved.modulePath}', not a function; point task '${id}' at an exported function.` }
  if (exports.tooLarge && !exports.names.has(resolved.exportName)) {
    const { file, bytes } = exports.tooLarge
    const which = file === resolved.file ? `Handler module '${resolved.modulePath}' of task '${id}'` : `Module '${relative(process.cwd(), file)}', which handler module '${resolved.modulePath}' of task '${id}' re-exports,`
    return { severity: 'warning', code: 'HANDLER_NOT_CHECKED', message: `${which} is ${megabytes(bytes)}, more than the ${megabytes(MAX_MODULE_BYTES)} weir reads to find exports, so '${resolved.exportName}' is not checked; the run loads the module and fails the task if the export is missing.` }
  }
  if (!exports.open && !exports.names.has(resolved.exportName)) {
    const names = [...exports.names]
    return { code: 'HANDLER_EXPORT_MISSING', message: `Module '${resolved.modulePath}' has no export '${resolved.exportName}' for task '${id}'${suggestFix(resolved.exportName, names, 'its exports', 'it exports nothing; add `export async function ' + (resolved.exportName === 'default' ? 'handler' : resolved.exportName) + '(inputs, ctx) { … }`')}` }
  }
  return undefined
}

/** Where a handler leads and what its module exports; `ok` when no task naming it has anything to report. */
export function findHandlerFacts(handler: string, sourcePath: string, projectRoot: string): HandlerFacts {
  const resolved = resolveHandler(handler, sourcePath)
  const inside = resolved.file !== undefined && isRealPathInside(projectRoot, resolved.file)
  if (!resolved.file || !inside) return { resolved, inside, ok: false }
  let exports
  try {
    exports = readModuleExports(resolved.file)
  } catch (error) {
    return { resolved, inside, readError: thrownText(error), ok: false }
  }
  const name = resolved.exportName
  const has = exports.names.has(name)
  const ok = !exports.syntaxError && !exports.notFunctions.get(name) && !(!has && exports.typeNames.has(name)) && (exports.open || has) && !(exports.tooLarge && !has)
  return { resolved, inside, exports, ok }
}

/** What to write instead of a folder: its module files, as handler references (a few of them). */
function nameModuleIn(folder: string, modulePath: string, exportName: string): string {
  let modules: string[] = []
  try {
    modules = readdirSync(folder).filter((name) => MODULE_FILE.test(name) && !name.includes('.d.')).sort()
  } catch {
    // unreadable: no examples
  }
  const base = modulePath.replace(/\/+$/, '')
  const refs = modules.slice(0, 3).map((name) => `${base}/${name}${exportName === 'default' ? '' : `#${exportName}`}`)
  return refs.length === 0 ? 'name the module file, with its path' : `name the module file in it, such as ${listChoices(refs)}`
}

const MODULE_FILE = /\.(?:[mc]?ts|tsx|[mc]?js)$/

function isFolder(path: string): boolean {
  try {
    return statSync(path, { throwIfNoEntry: false })?.isDirectory() ?? false
  } catch {
    return false
  }
}

/**
 * Why the project folder is where it is and what to do, for HANDLER_OUTSIDE_PROJECT. Without a
 * package.json (or .git) above the spec the project folder is the spec's own folder, which a
 * newcomer with `pipelines/` and `handlers/` side by side does not expect.
 */
function explainProjectRoot(projectRoot: string, sourcePath: string, handlerFile: string): string {
  if (projectRoot !== findProjectRoot(sourcePath)) return '; move the handler into that folder'
  const marker = projectMarker(projectRoot)
  if (marker) return ` (the nearest folder above the spec with a ${marker}); move the handler into that folder`
  const both = commonFolder(dirname(sourcePath), handlerFile)
  const why = `: the project folder is the nearest folder above the spec with a package.json, and none was found, so it is the spec's own folder`
  // A project at the file system's root is no fix (a handler path that climbs out to /etc).
  if (dirname(both) === both) return `${why}; move the handler into '${projectRoot}'`
  return `${why}; add a package.json to '${both}' (npm init -y there) or move the handler into '${projectRoot}'`
}

/** The deepest folder that holds both the folder and the file (followed through symlinks). */
function commonFolder(folder: string, file: string): string {
  let real = file
  try {
    real = realpathSync(file)
  } catch {
    // judge the path as written
  }
  let dir = folder
  while (!isInside(dir, real) && dirname(dir) !== dir) dir = dirname(dir)
  return dir
}

/** `3.0 GB`, `50 MB`: a file's size for a message. */
function megabytes(bytes: number): string {
  return bytes >= 1024 ** 3 ? `${(bytes / 1024 ** 3).toFixed(1)} GB` : `${Math.round(bytes / 1024 ** 2)} MB`
}
