/**
 * Finds the command an argument list names (`run`, `spec validate`), or says why none: a close
 * command name, a spec path typed without `run`, an option before the command. Only the command
 * word is repeated, never the arguments after it (they may hold a param's value).
 */
import { closest } from '../spec/did-you-mean.ts'
import type { CommandEntry } from './commands.ts'
import { CliError } from './errors.ts'
import { quoteValue } from './quote-value.ts'

export type CommandLookup =
  | { readonly kind: 'command'; readonly entry: CommandEntry; readonly rest: string[] }
  /** A group word alone (`weir spec`): its commands are listed. */
  | { readonly kind: 'group'; readonly group: string; readonly rest: string[] }

/** Looks the command up in `commands`; throws a usage error (exit 2) naming the word when there is none. */
export function findCommand(args: readonly string[], commands: readonly CommandEntry[]): CommandLookup {
  const [first = '', second] = args
  const pair = commands.find((c) => c.name === `${first} ${second ?? ''}`)
  if (pair) return { kind: 'command', entry: pair, rest: args.slice(2) }
  const single = commands.find((c) => c.name === first)
  if (single) return { kind: 'command', entry: single, rest: args.slice(1) }
  const groups = new Set(commands.filter((c) => c.name.includes(' ')).map((c) => c.name.split(' ')[0]!))
  if (groups.has(first)) {
    if (second === undefined || second.startsWith('-')) return { kind: 'group', group: first, rest: args.slice(1) }
    throw unknownCommand(`${first} ${second}`, commands)
  }
  throw unknownCommand(first, commands)
}

function unknownCommand(word: string, commands: readonly CommandEntry[]): CliError {
  if (word.startsWith('-')) return new CliError(`Unknown option ${quoteValue(word)}; options go after the command ('weir --help' lists the commands).`)
  if (/\.(ya?ml|json)$/i.test(word) || word.includes('/')) return new CliError(`Unknown command ${quoteValue(word)}; to run that spec: weir run ${word}`)
  const names = commands.map((c) => c.name)
  // `validate` alone means `spec validate`: the last word of a two-word command counts too.
  const close = closest(word, names) ?? names.find((n) => n.endsWith(` ${word}`)) ?? closestByLastWord(word, names)
  if (close !== undefined) return new CliError(`Unknown command ${quoteValue(word)}; did you mean '${close}'?`)
  return new CliError(`Unknown command ${quoteValue(word)}; 'weir --help' lists the commands.`)
}

function closestByLastWord(word: string, names: readonly string[]): string | undefined {
  const lastWords = new Map(names.filter((n) => n.includes(' ')).map((n) => [n.split(' ').at(-1)!, n]))
  const close = closest(word, lastWords.keys())
  return close === undefined ? undefined : lastWords.get(close)
}
