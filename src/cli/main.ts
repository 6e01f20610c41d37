/**
 * The `weir` command line: find the command, run it, map the result to an exit code.
 * Commands are imported lazily so `weir spec validate` never pays for the runtime or cloud SDKs.
 */
import { CliError, EXIT } from './errors.ts'
import { HELP, COMMANDS } from './commands.ts'

async function main(argv: string[]): Promise<number> {
  const args = argv.filter((a) => a !== '--debug')
  const first = args[0]
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    process.stdout.write(HELP)
    return first === undefined ? EXIT.usage : EXIT.ok
  }
  if (first === '--version' || first === '-v') {
    process.stdout.write(`${process.env.WEIR_VERSION ?? '0.1.0'}\n`)
    return EXIT.ok
  }
  const two = `${first} ${args[1] ?? ''}`
  const entry = COMMANDS.find((c) => c.name === two) ?? COMMANDS.find((c) => c.name === first)
  if (!entry) throw new CliError(`Unknown command '${args.slice(0, 2).join(' ')}'; run 'weir --help' for the list.`)
  const rest = args.slice(entry.name.split(' ').length)
  const command = await entry.load()
  return command(rest)
}

main(process.argv.slice(2)).then(
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
