// node:fs's callbacks, not node:fs/promises: loading that module costs `weir spec validate` of one
// file about 7M instructions (2 ms) before it reads anything.
import { close, open, read, readdir, realpath, stat, type Dirent, type Stats } from 'node:fs'
import { join } from 'node:path'
import { CliError } from './errors.ts'
import { describeMissingPath } from './describe-missing-path.ts'

const SPEC_FILE = /\.(ya?ml|json)$/i
const SKIP_DIRS = new Set(['node_modules', '.git', '.weir', 'dist', 'coverage'])

/**
 * Expands files and folders into spec files. Files named explicitly are always checked; inside
 * folders only files that look like weir pipelines are (so a repo's other YAML is left alone).
 * `skippedLinks`, when given, is told the symbolic links to folders that the search did not enter
 * (see `findSpecsInFolder`), once per call, when there are any.
 */
export async function findSpecFiles(paths: readonly string[], command: string, skippedLinks?: (links: readonly string[]) => void): Promise<string[]> {
  const found: string[] = []
  const notEntered: string[] = []
  for (const path of paths) {
    let info
    try {
      info = await new Promise<Stats>((done, fail) => stat(path, (error, stats) => (error ? fail(error) : done(stats))))
    } catch (error) {
      throw new CliError(`${command}: ${await describeMissingPath(path, 'spec files or folders that contain them', error)}`)
    }
    if (info.isDirectory()) {
      try {
        found.push(...(await findSpecsInFolder(path, skippedLinks && ((links) => notEntered.push(...links)))))
      } catch (error) {
        throw new CliError(`${command}: cannot read the folder '${path}' (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); check its permissions, or pass the spec files themselves.`)
      }
    }
    else if (info.isFile()) found.push(path)
    // A device or a FIFO named by mistake would be read without end, or block.
    else throw new CliError(`${command}: '${path}' is not a regular file; pass spec files or folders that contain them.`)
  }
  if (notEntered.length > 0) skippedLinks?.([...new Set(notEntered)])
  return [...new Set(found)]
}

/**
 * The pipeline specs under a folder, recursively, in a stable order. A subfolder or a `.yaml`/`.json`
 * file that cannot be read (no permission) is listed as it is, so that its check reports it
 * (FILE_UNREADABLE) beside every other spec, instead of one unreadable entry stopping the whole check.
 * Symbolic links to spec files are followed, wherever they lead: a spec linked into the folder is
 * one the user pointed weir at. Symbolic links to folders are not entered (`skippedLinks` is told
 * which, when given): one that leads to a data folder, /usr or a network mount would have the whole
 * of it searched, by `weir ui` on every refresh of its pipeline list (a link to /usr made that 4 s);
 * a linked folder named itself (`weir spec validate data/`) is searched. Throws when `dir` itself
 * cannot be read.
 */
export async function findSpecsInFolder(dir: string, skippedLinks?: (links: readonly string[]) => void): Promise<string[]> {
  const search = new FolderSearch(skippedLinks !== undefined)
  await search.walk(dir, (await realPath(dir)) ?? dir, [])
  await search.followLinks()
  if (search.linkedFolders.length > 0) skippedLinks?.(search.linkedFolders)
  return search.found.sort((a, b) => compareSegments(a.segments, b.segments)).map((f) => f.path)
}

interface Found {
  readonly path: string
  /** The names from the searched folder down to the file, for the order of a plain recursive listing. */
  readonly segments: readonly string[]
}

/**
 * One search under a folder. The folders are listed first and the links to files they hold followed
 * after, so that a spec reachable both with and without a link is found by its own path, and a spec
 * linked twice is listed once. Only real folders are entered, so no link can make the search loop.
 */
class FolderSearch {
  readonly found: Found[] = []
  /** Links to folders, not entered (only collected when `noteLinkedFolders`). */
  readonly linkedFolders: string[] = []
  private readonly realFiles = new Set<string>()
  private readonly links: Found[] = []

  /** `noteLinkedFolders`: tell links to folders apart (one stat each); otherwise only links with a spec's name are looked at. */
  private readonly noteLinkedFolders: boolean
  constructor(noteLinkedFolders: boolean) {
    this.noteLinkedFolders = noteLinkedFolders
  }

  /** Lists `dir` (whose real path is `real`) and the folders in it; links are kept for `followLinks`. */
  async walk(dir: string, real: string, segments: readonly string[]): Promise<void> {
    let entries: Dirent[]
    try {
      entries = await new Promise<Dirent[]>((done, fail) => readdir(dir, { withFileTypes: true }, (error, list) => (error ? fail(error) : done(list))))
    } catch (error) {
      if (segments.length === 0) throw error
      this.found.push({ path: dir, segments })
      return
    }
    entries.sort((a, b) => a.name.localeCompare(b.name))
    for (const entry of entries) {
      const path = join(dir, entry.name)
      const below = [...segments, entry.name]
      if (entry.isSymbolicLink()) this.links.push({ path, segments: below })
      else if (entry.isDirectory()) {
        if (!SKIP_DIRS.has(entry.name)) await this.walk(path, join(real, entry.name), below)
      } else if (entry.isFile()) await this.addFile(path, join(real, entry.name), below)
    }
  }

  /** Follows the links to spec files; notes the links to folders. */
  async followLinks(): Promise<void> {
    for (const { path, segments } of this.links) {
      const name = segments.at(-1)!
      if (!SPEC_FILE.test(name) && !this.noteLinkedFolders) continue
      const info = await statOf(path)
      // A link that leads nowhere: a spec's name is listed, so that its check says why it cannot be read.
      if (info === undefined) {
        if (SPEC_FILE.test(name)) this.found.push({ path, segments })
      } else if (info.isDirectory()) {
        if (this.noteLinkedFolders && !SKIP_DIRS.has(name)) this.linkedFolders.push(path)
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

/**
 * What may stand between a key's `:` and its value, in the forms a spec may use (docs/cli.md): an
 * anchor (`&v`), a tag (`!!str`), a block scalar's indicator (`>-`, `|`) or a comment, then the
 * line break and indentation before a value on the next line.
 */
const BEFORE_VALUE = String.raw`(?:\s+(?:&\S+|!\S*|[|>][-+0-9]*|#[^\n]*))*\s*["']?`
const API_VERSION = new RegExp(String.raw`["']?apiVersion["']?\s*:${BEFORE_VALUE}weir/`)
const KIND = new RegExp(String.raw`["']?kind["']?\s*:${BEFORE_VALUE}Pipeline\b`)
/** `apiVersion: *v`, an alias: the anchor `&v` must name `weir/…` (`x: &v weir/v1`). */
const API_VERSION_ALIAS = /["']?apiVersion["']?\s*:\s*\*([^\s,\]}]+)/

/**
 * A cheap sniff of the first 4 KB: `kind: Pipeline` or `apiVersion: weir/…`, in YAML or JSON, with
 * escapes in quoted text read (`"weir\u002Fv1"`), and anchors, tags and block scalars allowed
 * before the value. It parses nothing, so a folder of large YAML files is searched quickly.
 */
export async function looksLikePipeline(path: string): Promise<boolean> {
  return headLooksLikePipeline(await readHead(path, 4096))
}

/** The sniff of `looksLikePipeline`, on text. */
export function headLooksLikePipeline(text: string): boolean {
  const head = text.includes('\\') ? readEscapes(text) : text
  if (API_VERSION.test(head) || KIND.test(head)) return true
  const alias = API_VERSION_ALIAS.exec(head)
  return alias !== null && new RegExp(String.raw`&${escapeRegExp(alias[1]!)}${BEFORE_VALUE}weir/`).test(head)
}

/**
 * JSON's and YAML's escapes of double-quoted text (`\u002F`, `\U0000002F`, `\x2F`, `\/`, and YAML's
 * escaped line break, which joins a line to the next without its indentation), read everywhere: a
 * sniff need not know where quotes are.
 */
function readEscapes(text: string): string {
  return text.replace(/\\(?:u([0-9a-fA-F]{4})|U([0-9a-fA-F]{8})|x([0-9a-fA-F]{2})|(\/)|(\r?\n[ \t]*))/g, (all, u?: string, big?: string, x?: string, slash?: string, lineBreak?: string) => {
    if (slash !== undefined) return '/'
    if (lineBreak !== undefined) return ''
    const code = Number.parseInt((u ?? big ?? x)!, 16)
    return code <= 0x10ffff ? String.fromCodePoint(code) : all
  })
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
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
