import { parseArgs } from 'node:util'
import type { ParseArgsConfig } from 'node:util'
import { CliError } from './errors.ts'
import { listChoices } from '../spec/did-you-mean.ts'

/** node:util parseArgs with weir's usage errors (exit 2) instead of exceptions with stacks. */
export function parseCommandArgs<T extends NonNullable<ParseArgsConfig['options']>>(
  command: string,
  args: string[],
  options: T,
) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true })
  } catch (error) {
    const message = error instanceof Error ? error.message.replace(/\. To specify a positional argument.*$/s, '') : String(error)
    throw new CliError(`${command}: ${message.replace(/\.$/, '')}; run 'weir ${command} --help' for usage.`)
  }
}

/** Reads a choice option, refusing values outside the list. */
export function choice<C extends string>(command: string, name: string, value: string | undefined, choices: readonly C[], fallback: C): C {
  if (value === undefined) return fallback
  if ((choices as readonly string[]).includes(value)) return value as C
  throw new CliError(`${command}: --${name} must be ${listChoices(choices)}, not '${value}'.`)
}
