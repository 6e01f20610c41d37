import { readdir, stat, open } from 'node:fs/promises'
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
      info = await stat(path)
    } catch {
      throw new CliError(`${command}: ${await describeMissingPath(path, 'spec files or folders that contain them')}`)
    }
    if (info.isDirectory()) found.push(...(await findSpecsInFolder(path)))
    else if (info.isFile()) found.push(path)
    // A device or a FIFO named by mistake would be read without end, or block.
    else throw new CliError(`${command}: '${path}' is not a regular file; pass spec files or folders that contain them.`)
  }
  return [...new Set(found)]
}

/** The pipeline specs under a folder, recursively, in a stable order. */
export async function findSpecsInFolder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true })
  entries.sort((a, b) => a.name.localeCompare(b.name))
  const files: string[] = []
  for (const entry of entries) {
    const path = join(dir, entry.name)
    if (entry.isDirectory() && !SKIP_DIRS.has(entry.name)) files.push(...(await findSpecsInFolder(path)))
    else if (entry.isFile() && SPEC_FILE.test(entry.name) && (await looksLikePipeline(path))) files.push(path)
  }
  return files
}

/** A cheap sniff of the first 4 KB: `kind: Pipeline` or `apiVersion: weir/…`, in YAML or JSON. */
async function looksLikePipeline(path: string): Promise<boolean> {
  const handle = await open(path, 'r')
  try {
    const buffer = Buffer.alloc(4096)
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0)
    const head = buffer.subarray(0, bytesRead).toString('utf8')
    return /["']?apiVersion["']?\s*:\s*["']?weir\//.test(head) || /["']?kind["']?\s*:\s*["']?Pipeline\b/.test(head)
  } finally {
    await handle.close()
  }
}
