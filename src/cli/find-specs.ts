import { readdir, stat, open } from 'node:fs/promises'
import { join } from 'node:path'
import { CliError } from './errors.ts'

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
      throw new CliError(`${command}: '${path}' does not exist; pass spec files or folders that contain them.`)
    }
    if (info.isDirectory()) found.push(...(await walk(path)))
    else found.push(path)
  }
  return [...new Set(found)]
}

async function walk(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true })
  entries.sort((a, b) => a.name.localeCompare(b.name))
  const files: string[] = []
  for (const entry of entries) {
    const path = join(dir, entry.name)
    if (entry.isDirectory() && !SKIP_DIRS.has(entry.name)) files.push(...(await walk(path)))
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
