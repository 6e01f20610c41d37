/** Finds weir's own CLI script (bin/weir.js) from wherever this module was loaded (src/ or dist/). */
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** argv prefix that starts this weir: `[node, <package>/bin/weir.js]`. */
export function findWeirCli(from: string = fileURLToPath(import.meta.url)): string[] {
  for (let dir = dirname(from); ; dir = dirname(dir)) {
    const bin = join(dir, 'bin', 'weir.js')
    if (existsSync(bin) && existsSync(join(dir, 'package.json'))) return [process.execPath, bin]
    if (dirname(dir) === dir) throw new Error(`Cannot find weir's bin/weir.js above '${from}'; set the subprocess executor's 'cli' option.`)
  }
}
