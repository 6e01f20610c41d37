/**
 * The one wording for a spec path that is not a spec file, in every command: a missing path (with a
 * close name from its folder), a folder given to a command that takes one spec file (with the specs
 * found in it), or something that is not a regular file (a device or a FIFO is never read).
 */
import { stat } from 'node:fs'
import type { Stats } from 'node:fs'
import { listChoices } from '../spec/did-you-mean.ts'
import { describeMissingPath } from './describe-missing-path.ts'
import { CliError } from './errors.ts'
import { findSpecsInFolder } from './find-specs.ts'

/** Most specs a folder message lists. */
const MAX_LISTED = 3

/**
 * Checks that `path` is one spec file for `command` (run, graph, execute); throws a usage error
 * otherwise. `flag` names the argument when it is not positional (`--spec`).
 */
export async function checkSpecFile(command: string, path: string, flag = ''): Promise<void> {
  const named = flag === '' ? `'${path}'` : `${flag} '${path}'`
  // node:fs's callback, not fs.promises: loading that costs a `weir execute` ~1 ms of start-up.
  const [info, cause] = await new Promise<[Stats | undefined, unknown]>((done) => stat(path, (error, stats) => done(error ? [undefined, error] : [stats, undefined])))
  if (!info) throw new CliError(`${command}: ${flag === '' ? '' : `${flag} `}${await describeMissingPath(path, 'a spec file', cause)}`)
  if (info.isFile()) return
  if (!info.isDirectory()) throw new CliError(`${command}: ${named} is not a regular file; pass a spec file.`)
  const specs = await findSpecsInFolder(path).catch(() => [])
  if (specs.length === 0) throw new CliError(`${command}: ${named} is a folder with no pipeline specs in it; ${command} takes one spec file.`)
  const shown = specs.slice(0, MAX_LISTED)
  const more = specs.length > MAX_LISTED ? ` (and ${specs.length - MAX_LISTED} more)` : ''
  throw new CliError(`${command}: ${named} is a folder; ${command} takes one spec file, such as ${listChoices(shown)}${more} ('weir spec validate ${path}' checks them all).`)
}
