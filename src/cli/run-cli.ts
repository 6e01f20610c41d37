/**
 * Runs a command and maps how it ended to the exit code: its own code, a usage error's (one line,
 * no stack), or 70 for a bug in weir (the stack with --debug). Shared by the main entry and the
 * dedicated entries of `weir execute` and `weir spec validate` (see bin/weir.js).
 */
import { CliError } from './errors.ts'
import { ignoreClosedOutput } from './ignore-closed-output.ts'
import { firstLine, storageFailure } from './storage-failure.ts'
import { isErrorObject, stringPropertyOf, thrownText } from '../spec/thrown-value.ts'

export function runCli(command: () => Promise<number>): void {
  ignoreClosedOutput('stdout')
  ignoreClosedOutput('stderr')
  command().then(
    (code) => {
      process.exitCode = code
    },
    (error: unknown) => {
      const debug = process.argv.includes('--debug')
      if (error instanceof CliError) {
        process.stderr.write(`weir: ${error.message}\n`)
        process.exitCode = error.exitCode
        return
      }
      const refused = fileSystemRefusal(error)
      if (refused !== undefined) {
        process.stderr.write(`weir: ${refused}\n`)
        process.exitCode = 1
        return
      }
      const storage = storageFailure(error)
      if (storage !== undefined) {
        process.stderr.write(`weir: ${firstLine(error)}${storage === 'network' ? ' (a connection failed: check the endpoint, or try again)' : ''}\n`)
        process.exitCode = 1
        return
      }
      const stack = isErrorObject(error) ? stringPropertyOf(error, 'stack') : undefined
      process.stderr.write(`weir: internal error: ${thrownText(error)}\nThis is a bug in weir; please report it${debug ? '' : ' (run again with --debug to see the stack)'}.\n`)
      if (debug && stack) process.stderr.write(`${stack}\n`)
      process.exitCode = 70
    },
  )
}

/** Codes that say the machine refused a file operation, whatever the call: not a bug in weir. */
const REFUSED = new Set(['EACCES', 'EPERM', 'EROFS', 'ENOSPC', 'EDQUOT', 'ENOTDIR'])

/**
 * A folder weir was told to use (`--state-dir`, `--out`, `init DIR`) that cannot be made: a file in
 * the way, no permission, a dangling link, a place like /proc. One line naming the path, exit 1,
 * instead of "internal error" (exit 70), which means a bug in weir.
 */
function fileSystemRefusal(error: unknown): string | undefined {
  const code = stringPropertyOf(error, 'code')
  const syscall = stringPropertyOf(error, 'syscall')
  const path = stringPropertyOf(error, 'path')
  if (code === undefined || syscall === undefined || path === undefined) return undefined
  const mkdirFailed = syscall === 'mkdir' && (code === 'ENOENT' || code === 'EEXIST')
  if (!REFUSED.has(code) && !mkdirFailed) return undefined
  return `cannot ${syscall} '${path}' (${thrownText(error)}); check that folder, or choose another with --state-dir or --out.`
}
