import { parseArgs } from 'node:util'
import type { ParseArgsConfig } from 'node:util'
import { CliError } from './errors.ts'
import { closest, listChoices } from '../spec/did-you-mean.ts'
import { quoteValue } from './quote-value.ts'

/** node:util parseArgs with weir's usage errors (exit 2, one line, a close option name) instead of exceptions. */
export function parseCommandArgs<T extends NonNullable<ParseArgsConfig['options']>>(
  command: string,
  args: string[],
  options: T,
) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true })
  } catch (error) {
    throw new CliError(`${command}: ${describeArgsError(command, error, options)}`)
  }
}

/** One sentence for a parseArgs error; node's own messages run over several lines. */
function describeArgsError(command: string, error: unknown, options: NonNullable<ParseArgsConfig['options']>): string {
  const message = error instanceof Error ? error.message : String(error)
  const code = (error as { code?: unknown } | null)?.code
  const listed = `'weir ${command} --help' lists the options.`
  const unknown = /^Unknown option '([^']*)'/.exec(message)
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && unknown) {
    // A one-letter option is too short to guess from; `-param` and `--parm` are not.
    const names = unknown[1]!.length > 2 ? Object.keys(options).filter((n) => n !== 'help').map((n) => `--${n}`) : []
    const close = closest(unknown[1]!, names)
    return `Unknown option ${quoteValue(unknown[1]!)}; ${close === undefined ? listed : `did you mean '${close}'?`}`
  }
  const missing = /^Option '(?:-\w, )?(--[\w-]+) <value>' argument missing/.exec(message)
  if (missing) return `${missing[1]} needs a value; ${listed}`
  // `--lines -5`: the next word starts with '-', so parseArgs takes it for an option.
  const ambiguous = /^Option '(--[\w-]+)' argument is ambiguous/.exec(message)
  if (ambiguous) return `${ambiguous[1]} needs a value (write a value that starts with '-' as ${ambiguous[1]}=-…); ${listed}`
  const noValue = /^Option '(?:-\w, )?(--[\w-]+)' does not take an argument/.exec(message)
  if (noValue) return `${noValue[1]} takes no value; write just ${noValue[1]}.`
  return `${message.split('\n')[0]!.replace(/\. To specify a positional argument.*$/s, '').replace(/\.$/, '')}; ${listed}`
}

/** Reads a choice option, refusing values outside the list. */
export function choice<C extends string>(command: string, name: string, value: string | undefined, choices: readonly C[], fallback: C): C {
  if (value === undefined) return fallback
  if ((choices as readonly string[]).includes(value)) return value as C
  const close = closest(value, choices)
  throw new CliError(`${command}: --${name} must be ${listChoices(choices)}, not ${quoteValue(value)}${close === undefined ? '.' : `; did you mean '${close}'?`}`)
}
