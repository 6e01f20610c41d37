import { readdirSync, realpathSync, statSync } from 'node:fs'
import { dirname, relative } from 'node:path'
import type { Rule } from './types.ts'
import { loadModuleLexer, MAX_MODULE_BYTES, readModuleExports } from '../module-exports.ts'
import { resolveHandler } from '../resolve-handler.ts'
import { listChoices, suggestFix } from '../did-you-mean.ts'
import { toPointer } from '../pointer.ts'
import { isInside, isRealPathInside } from '../inside-folder.ts'
import { findProjectRoot, projectMarker, projectMarkerPaths } from '../project-root.ts'

const HANDLER_FORM = /^[^#\s][^#]*(#[A-Za-z_$][A-Za-z0-9_$]*)?$/

/** Each `handler:` names an existing module inside the project that has the named export. */
export const handlers: Rule = async ({ view, sourcePath, projectRoot, checkHandlers, dependsOn, report }) => {
  if (!checkHandlers || view.tasks.size === 0) return
  // Whether a handler is inside the project rests on where the project's package.json is too.
  if (dependsOn) for (const marker of projectMarkerPaths(sourcePath)) dependsOn.add(marker)
  await loadModuleLexer()
  // What the disk says of each handler as written, found once: thousands of tasks may name one.
  const facts = new Map<string, HandlerFacts>()
  // Tasks next to each other mostly name the same handler: comparing with the last good one is cheaper than a lookup.
  let lastGood: string | undefined
  for (const [id, task] of view.tasks) {
    // A handler that does not have the `path#export` form is reported by the shape check.
    if (typeof task.handler !== 'string') continue
    if (task.handler === lastGood) continue
    let fact = facts.get(task.handler)
    if (fact === undefined) {
      if (!HANDLER_FORM.test(task.handler)) continue
      facts.set(task.handler, (fact = findFacts(task.handler, sourcePath, projectRoot)))
      if (dependsOn) noteDependencies(fact, dependsOn)
    }
    if (fact.ok) {
      lastGood = task.handler
      continue
    }
    const { resolved, inside } = fact
    const pointer = toPointer(['tasks', id, 'handler'])
    if (!resolved.file) {
      // A folder is a module only through its index file: 'does not exist' sent users looking for a typo.
      const message = isFolder(resolved.absolute)
        ? `Handler module '${resolved.modulePath}' of task '${id}' is a folder ('${relative(projectRoot, resolved.absolute) || '.'}'), not a module file, and it has no index.ts or index.js; ${nameModuleIn(resolved.absolute, resolved.modulePath, resolved.exportName)}.`
        : `Handler module '${resolved.modulePath}' of task '${id}' does not exist (looked for '${relative(projectRoot, resolved.absolute) || '.'}' with .ts/.js extensions); paths are relative to the spec file.`
      report({ code: 'HANDLER_NOT_FOUND', pointer, message })
      continue
    }
    if (!inside) {
      report({ code: 'HANDLER_OUTSIDE_PROJECT', pointer, message: `Handler module '${resolved.modulePath}' of task '${id}' is outside the project folder '${projectRoot}'${explainProjectRoot(projectRoot, sourcePath, resolved.file)}.` })
      continue
    }
    if (fact.readError !== undefined) {
      report({ code: 'HANDLER_NOT_FOUND', pointer, message: `Handler module '${resolved.modulePath}' of task '${id}' cannot be read: ${fact.readError}.` })
      continue
    }
    const exports = fact.exports!
    if (exports.syntaxError) {
      const { file, line, column, reason } = exports.syntaxError
      report({ code: 'HANDLER_SYNTAX_ERROR', pointer, message: `Handler module '${resolved.modulePath}' of task '${id}' does not parse: ${relative(process.cwd(), file)}:${line}:${column}: ${reason}; fix the module.` })
      continue
    }
    const notFunction = exports.notFunctions.get(resolved.exportName)
    if (notFunction) {
      const where = `${relative(process.cwd(), notFunction.file)}:${notFunction.line}:${notFunction.column}`
      report({ code: 'HANDLER_NOT_A_FUNCTION', pointer, message: `Export '${resolved.exportName}' of module '${resolved.modulePath}' is ${notFunction.kind} (${where}), not a function; point task '${id}' at an exported function.` })
      continue
    }
    if (!exports.names.has(resolved.exportName) && exports.typeNames.has(resolved.exportName)) {
      report({ code: 'HANDLER_EXPORT_MISSING', pointer, message: `'${resolved.exportName}' is only a type in module '${resolved.modulePath}', not a function; point task '${id}' at an exported function.` })
      continue
    }
    if (exports.tooLarge && !exports.names.has(resolved.exportName)) {
      const { file, bytes } = exports.tooLarge
      const which = file === resolved.file ? `Handler module '${resolved.modulePath}' of task '${id}'` : `Module '${relative(process.cwd(), file)}', which handler module '${resolved.modulePath}' of task '${id}' re-exports,`
      report({ severity: 'warning', code: 'HANDLER_NOT_CHECKED', pointer, message: `${which} is ${megabytes(bytes)}, more than the ${megabytes(MAX_MODULE_BYTES)} weir reads to find exports, so '${resolved.exportName}' is not checked; the run loads the module and fails the task if the export is missing.` })
      continue
    }
    if (!exports.open && !exports.names.has(resolved.exportName)) {
      const names = [...exports.names]
      report({ code: 'HANDLER_EXPORT_MISSING', pointer, message: `Module '${resolved.modulePath}' has no export '${resolved.exportName}' for task '${id}'${suggestFix(resolved.exportName, names, 'its exports', 'it exports nothing; add `export async function ' + (resolved.exportName === 'default' ? 'handler' : resolved.exportName) + '(inputs, ctx) { … }`')}` })
    }
  }
}

interface HandlerFacts {
  readonly resolved: ReturnType<typeof resolveHandler>
  readonly inside: boolean
  readonly exports?: ReturnType<typeof readModuleExports>
  readonly readError?: string
  /** Nothing to report for any task naming this handler. */
  readonly ok: boolean
}

/** Where a handler leads and what its module exports; `ok` when no task naming it has anything to report. */
function findFacts(handler: string, sourcePath: string, projectRoot: string): HandlerFacts {
  const resolved = resolveHandler(handler, sourcePath)
  const inside = resolved.file !== undefined && isRealPathInside(projectRoot, resolved.file)
  if (!resolved.file || !inside) return { resolved, inside, ok: false }
  let exports
  try {
    exports = readModuleExports(resolved.file)
  } catch (error) {
    return { resolved, inside, readError: error instanceof Error ? error.message : String(error), ok: false }
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

/** What a verdict on this handler rests on: the module files read, or the folder a missing module would appear in (or its index file). */
function noteDependencies(fact: HandlerFacts, dependsOn: Set<string>): void {
  if (fact.resolved.file === undefined) {
    dependsOn.add(dirname(fact.resolved.absolute))
    dependsOn.add(fact.resolved.absolute)
  } else dependsOn.add(fact.resolved.file)
  for (const file of fact.exports?.files ?? []) dependsOn.add(file)
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
