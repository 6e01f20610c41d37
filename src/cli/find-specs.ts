// node:fs's callbacks, not node:fs/promises: loading that module costs `weir spec validate` of one
// file about 7M instructions (2 ms) before it reads anything.
import { close, open, read, readdir, stat, type Dirent, type Stats } from 'node:fs'
import { join } from 'node:path'
import { CliError } from './errors.ts'
import { describeMissingPath } from './describe-missing-path.ts'

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
 * Throws when `dir` itself cannot be read.
 */
export async function findSpecsInFolder(dir: string, top = true): Promise<string[]> {
  let entries: Dirent[]
  try {
    entries = await new Promise<Dirent[]>((done, fail) => readdir(dir, { withFileTypes: true }, (error, list) => (error ? fail(error) : done(list))))
  } catch (error) {
    if (top) throw error
    return [dir]
  }
  entries.sort((a, b) => a.name.localeCompare(b.name))
  const files: string[] = []
  for (const entry of entries) {
    const path = join(dir, entry.name)
    if (entry.isDirectory() && !SKIP_DIRS.has(entry.name)) files.push(...(await findSpecsInFolder(path, false)))
    else if (entry.isFile() && SPEC_FILE.test(entry.name) && (await looksLikePipeline(path).catch(() => true))) files.push(path)
  }
  return files
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
