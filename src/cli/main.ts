/**
 * The `weir` command line: find the command, run it, map the result to an exit code.
 * Commands are imported lazily so `weir spec validate` never pays for the runtime or cloud SDKs.
 */
import { EXIT } from './errors.ts'
import { runCli } from './run-cli.ts'
import { COMMANDS, formatMainHelp } from './commands.ts'
import { findPackage } from './package-root.ts'
import { findCommand } from './find-command.ts'

async function main(argv: string[]): Promise<number> {
  const args = argv.filter((a) => a !== '--debug')
  const first = args[0]
  if (first === undefined || first === '--help' || first === '-h') {
    process.stdout.write(formatMainHelp())
    return first === undefined ? EXIT.usage : EXIT.ok
  }
  if (first === 'help') return showHelp(args.slice(1))
  if (first === '--version' || first === '-v') {
    process.stdout.write(`${process.env.WEIR_VERSION ?? findPackage().version ?? 'unknown'}\n`)
    return EXIT.ok
  }
  const found = findCommand(args, COMMANDS)
  if (found.kind === 'group') return showGroup(found.group, found.rest.some((a) => a === '--help' || a === '-h') ? EXIT.ok : EXIT.usage)
  const command = await found.entry.load()
  return command(found.rest)
}

/** `weir help [COMMAND]`: the general help, or the help of one command or group. */
async function showHelp(words: readonly string[]): Promise<number> {
  // `weir help --help` and `weir help help` ask about help itself: the general help answers both.
  if (words.length === 0 || words[0] === '--help' || words[0] === '-h' || words[0] === 'help') {
    process.stdout.write(formatMainHelp())
    return EXIT.ok
  }
  const found = findCommand(words, COMMANDS)
  if (found.kind === 'group') return showGroup(found.group, EXIT.ok)
  return (await found.entry.load())(['--help'])
}

/** A group word alone (`weir spec`): the help of each of its commands. */
async function showGroup(group: string, exitCode: number): Promise<number> {
  const members = COMMANDS.filter((c) => c.name.startsWith(`${group} `))
  for (const [i, member] of members.entries()) {
    if (i > 0) process.stdout.write('\n')
    await (await member.load())(['--help'])
  }
  return exitCode
}

runCli(() => main(process.argv.slice(2)))
