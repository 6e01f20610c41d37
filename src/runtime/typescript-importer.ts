/**
 * Imports TypeScript handler modules with jiti, which compiles them (with Babel) and keeps what it
 * compiled in a cache folder, so that the next process (every `weir execute`, every run) skips Babel.
 *
 * Where that folder is matters. jiti's default, for a package installed as weir is, is
 * `<tmpdir>/jiti`: one folder shared by every user of the machine, which anyone can create first.
 * jiti trusts a cached file whose last line carries a hash of the source, a hash anyone who can read
 * the handler can compute: a file planted there would run as the handler, as the user running weir.
 * So weir keeps the cache where a project's tools keep theirs, in a folder that user owns:
 * - `<project>/node_modules/.cache/jiti` when the project has a node_modules folder;
 * - else `node_modules/.cache/jiti` in the node_modules weir itself is installed in (a workspace
 *   whose packages share the root's node_modules, or a global install);
 * - else no cache: every process compiles again.
 * jiti itself turns the cache off where it cannot write (a read-only install).
 */
import { statSync } from 'node:fs'
import { join, sep } from 'node:path'
import { fileURLToPath } from 'node:url'

/** Imports one module by its real path. */
export type ModuleImporter = (path: string) => Promise<unknown>

type Jiti = typeof import('jiti')

/** How jiti is loaded: the CLI sets a loader that compiles it with a code cache (src/cli/cached-jiti.ts). */
let loadJiti: () => Promise<Jiti> = () => import('jiti')

/** Sets how jiti is loaded, before the first TypeScript handler is. */
export function useJitiLoader(load: () => Promise<Jiti>): void {
  loadJiti = load
}

/** One importer per project folder (a process normally serves one). */
const importers = new Map<string, Promise<ModuleImporter>>()

/** The importer of TypeScript (and JavaScript Node cannot load) for handlers of `projectRoot`. */
export function typeScriptImporter(projectRoot: string): Promise<ModuleImporter> {
  let importer = importers.get(projectRoot)
  if (!importer) {
    importer = loadJiti().then(({ createJiti }) => {
      const jiti = createJiti(import.meta.url, { interopDefault: false, fsCache: compiledCacheFolder(projectRoot, fileURLToPath(import.meta.url)) })
      return (path: string) => jiti.import(path)
    })
    importers.set(projectRoot, importer)
  }
  return importer
}

/** The folder jiti keeps compiled modules in, or false for none (see the module comment). */
export function compiledCacheFolder(projectRoot: string, weirFile: string): string | false {
  const projectModules = join(projectRoot, 'node_modules')
  if (statSync(projectModules, { throwIfNoEntry: false })?.isDirectory()) return join(projectModules, '.cache', 'jiti')
  const marker = `${sep}node_modules${sep}`
  const installedIn = weirFile.indexOf(marker)
  return installedIn === -1 ? false : join(weirFile.slice(0, installedIn + marker.length), '.cache', 'jiti')
}
