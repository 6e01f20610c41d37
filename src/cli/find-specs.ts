// node:fs's callbacks, not node:fs/promises: loading that module costs `weir spec validate` of one
// file about 7M instructions (2 ms) before it reads anything.
import { close, open, read, readdir, realpath, stat, type Dirent, type Stats } from 'node:fs'
import { join } from 'node:path'
import { CliError } from './errors.ts'
import { describeMissingPath } from './describe-missing-path.ts'
import { isInside } from '../spec/inside-folder.ts'

const SPEC_FILE = /\.(ya?ml|json)$/i
const SKIP_DIRS = new Set(['node_modules', '.git', '.weir', 'dist', 'coverage'])

/**
 * Expands files and folders into spec files. Files named explicitly are always checked; inside
 * folders only files that look like weir pipelines are (so a repo's other YAML is left alone).
 */
export async function findSpecFiles(paths: readonly string[], command: string): Promise<string[]> {
  const found: string[] = []
  for (const path of paths) {
    let info
    try {
      info = await new Promise<Stats>((done, fail) => stat(path, (error, stats) => (error ? fail(error) : done(stats))))
    } catch (error) {
      throw new CliError(`${command}: ${await describeMissingPath(path, 'spec files or folders that contain them', error)}`)
    }
    if (info.isDirectory()) {
      try {
        found.push(...(await findSpecsInFolder(path)))
      } catch (error) {
        throw new CliError(`${command}: cannot read the folder '${path}' (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); check its permissions, or pass the spec files themselves.`)
      }
    }
    else if (info.isFile()) found.push(path)
    // A device or a FIFO named by mistake would be read without end, or block.
    else throw new CliError(`${command}: '${path}' is not a regular file; pass spec files or folders that contain them.`)
  }
  return [...new Set(found)]
}

/**
 * The pipeline specs under a folder, recursively, in a stable order. A subfolder or a `.yaml`/`.json`
 * file that cannot be read (no permission) is listed as it is, so that its check reports it
 * (FILE_UNREADABLE) beside every other spec, instead of one unreadable entry stopping the whole check.
 * Symbolic links are followed, to files and to folders, wherever they lead: a spec linked into the
 * folder is one the user pointed weir at (they were skipped without a word, as neither files nor
 * folders). Throws when `dir` itself cannot be read.
 */
export async function findSpecsInFolder(dir: string): Promise<string[]> {
  const search = new FolderSearch()
  await search.walk(dir, (await realPath(dir)) ?? dir, [], true)
  await search.followLinks()
  return search.found.sort((a, b) => compareSegments(a.segments, b.segments)).map((f) => f.path)
}

interface Found {
  readonly path: string
  /** The names from the searched folder down to the file, for the order of a plain recursive listing. */
  readonly segments: readonly string[]
}

interface Link {
  readonly path: string
  readonly segments: readonly string[]
  /** The real path of the folder that holds the link. */
  readonly within: string
}

/**
 * One search under a folder. The folders themselves are listed first and the links they hold
 * followed after, so that a spec or folder reachable both with and without a link is found by its
 * own path. Each real folder is searched once, and a link to a folder that holds the link is not
 * followed: links that lead back (`loop -> ..`) or twice to one place can neither loop nor list a
 * spec twice.
 */
class FolderSearch {
  readonly found: Found[] = []
  private readonly realFiles = new Set<string>()
  private readonly realFolders = new Set<string>()
  private readonly links: Link[] = []

  /** Lists `dir` (whose real path is `real`) and the folders in it; links are kept for `followLinks`. */
  async walk(dir: string, real: string, segments: readonly string[], top = false): Promise<void> {
    this.realFolders.add(real)
    let entries: Dirent[]
    try {
      entries = await new Promise<Dirent[]>((done, fail) => readdir(dir, { withFileTypes: true }, (error, list) => (error ? fail(error) : done(list))))
    } catch (error) {
      if (top) throw error
      this.found.push({ path: dir, segments })
      return
    }
    entries.sort((a, b) => a.name.localeCompare(b.name))
    for (const entry of entries) {
      const path = join(dir, entry.name)
      const below = [...segments, entry.name]
      if (entry.isSymbolicLink()) this.links.push({ path, segments: below, within: real })
      else if (entry.isDirectory()) {
        const realBelow = join(real, entry.name)
        if (!SKIP_DIRS.has(entry.name) && !this.realFolders.has(realBelow)) await this.walk(path, realBelow, below)
      } else if (entry.isFile()) await this.addFile(path, join(real, entry.name), below)
    }
  }

  /** Follows the links found, and those found in the folders they lead to. */
  async followLinks(): Promise<void> {
    for (let i = 0; i < this.links.length; i++) {
      const { path, segments, within } = this.links[i]!
      const name = segments.at(-1)!
      const info = await statOf(path)
      // A link that leads nowhere: a spec's name is listed, so that its check says why it cannot be read.
      if (info === undefined) {
        if (SPEC_FILE.test(name)) this.found.push({ path, segments })
      } else if (info.isDirectory()) {
        const real = await realPath(path)
        if (real !== undefined && !SKIP_DIRS.has(name) && !this.realFolders.has(real) && !isInside(real, within)) await this.walk(path, real, segments)
      } else if (info.isFile()) await this.addFile(path, (await realPath(path)) ?? path, segments)
    }
  }

  private async addFile(path: string, real: string, segments: readonly string[]): Promise<void> {
    if (!SPEC_FILE.test(segments.at(-1)!) || this.realFiles.has(real)) return
    if (!(await looksLikePipeline(path).catch(() => true))) return
    this.realFiles.add(real)
    this.found.push({ path, segments })
  }
}

/** The order of a recursive listing whose every folder is sorted by name. */
function compareSegments(a: readonly string[], b: readonly string[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const order = a[i]!.localeCompare(b[i]!)
    if (order !== 0) return order
  }
  return a.length - b.length
}

function statOf(path: string): Promise<Stats | undefined> {
  return new Promise((done) => stat(path, (error, stats) => done(error ? undefined : stats)))
}

function realPath(path: string): Promise<string | undefined> {
  return new Promise((done) => realpath(path, (error, real) => done(error ? undefined : real)))
}

/** A cheap sniff of the first 4 KB: `kind: Pipeline` or `apiVersion: weir/…`, in YAML or JSON. */
async function looksLikePipeline(path: string): Promise<boolean> {
  const head = await readHead(path, 4096)
  return /["']?apiVersion["']?\s*:\s*["']?weir\//.test(head) || /["']?kind["']?\s*:\s*["']?Pipeline\b/.test(head)
}

/** Up to the first `bytes` bytes of a file, as UTF-8. */
function readHead(path: string, bytes: number): Promise<string> {
  return new Promise((done, fail) =>
    open(path, 'r', (openError, fd) => {
      if (openError) return fail(openError)
      const buffer = Buffer.alloc(bytes)
      read(fd, buffer, 0, bytes, 0, (readError, bytesRead) =>
        close(fd, () => (readError ? fail(readError) : done(buffer.subarray(0, bytesRead).toString('utf8')))),
      )
    }),
  )
}
