/**
 * Loads handler modules at run time, TypeScript included, with no build step for the user.
 * jiti is imported on first use (it costs ~0.3 s), and each module is loaded once per process.
 */
import type { HandlerRef } from '../spec/model.ts'
import { WeirError } from './errors.ts'
import { isRealPathInside } from '../spec/inside-folder.ts'

/** A handler: any exported function `(inputs, ctx) => output | Promise<output>`. */
export type HandlerFunction = (inputs: Record<string, unknown>, ctx: unknown) => unknown

type ModuleImporter = (path: string) => Promise<unknown>

let importer: Promise<ModuleImporter> | undefined
const modules = new Map<string, Promise<unknown>>()

async function loadImporter(): Promise<ModuleImporter> {
  importer ??= import('jiti').then(({ createJiti }) => {
    const jiti = createJiti(import.meta.url, { interopDefault: false })
    return (path: string) => jiti.import(path)
  })
  return importer
}

/**
 * Imports the handler's module and returns the named export. Refuses modules outside `projectRoot`
 * (a spec must not make weir run code from elsewhere on the machine).
 */
export async function loadHandler(ref: HandlerRef, projectRoot: string): Promise<HandlerFunction> {
  if (!isRealPathInside(projectRoot, ref.modulePath))
    throw new WeirError('HANDLER_OUTSIDE_PROJECT', `Handler '${ref.written}' resolves to '${ref.modulePath}', outside the project '${projectRoot}'; move the module into the project.`)
  let loading = modules.get(ref.modulePath)
  if (!loading) {
    loading = loadImporter().then((load) => load(ref.modulePath))
    modules.set(ref.modulePath, loading)
    // A failed import is not cached: the next attempt may find the file fixed.
    loading.catch(() => modules.delete(ref.modulePath))
  }
  let mod: unknown
  try {
    mod = await loading
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    throw new WeirError('HANDLER_NOT_FOUND', `Cannot load handler module '${ref.written}': ${message}`, { cause: error })
  }
  const fn = (mod as Record<string, unknown> | null)?.[ref.exportName]
  if (typeof fn !== 'function') {
    const exported = Object.keys((mod as object | null) ?? {}).filter((k) => typeof (mod as Record<string, unknown>)[k] === 'function')
    throw new WeirError(
      'HANDLER_NOT_FOUND',
      `Module '${ref.modulePath}' has no exported function '${ref.exportName}'${exported.length ? `; it exports ${exported.map((e) => `'${e}'`).join(', ')}` : ''}.`,
    )
  }
  return fn as HandlerFunction
}
