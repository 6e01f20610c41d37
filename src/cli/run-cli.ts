/**
 * Runs a command and maps how it ended to the exit code: its own code, a usage error's (one line,
 * no stack), or 70 for a bug in weir (the stack with --debug). Shared by the main entry and the
 * dedicated entries of `weir execute` and `weir spec validate` (see bin/weir.js).
 */
import { CliError } from './errors.ts'
import { ignoreClosedOutput } from './ignore-closed-output.ts'

export function runCli(command: () => Promise<number>): void {
  ignoreClosedOutput(process.stdout)
  ignoreClosedOutput(process.stderr)
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
      const err = error instanceof Error ? error : new Error(String(error))
      process.stderr.write(`weir: internal error: ${err.message}\nThis is a bug in weir; please report it${debug ? '' : ' (run again with --debug to see the stack)'}.\n`)
      if (debug && err.stack) process.stderr.write(`${err.stack}\n`)
      process.exitCode = 70
    },
  )
}
