/**
 * A param value travels on command lines: `weir execute --param name=value` for each task of
 * `--executor subprocess`, and the engines' job parameters. No process's arguments can hold U+0000
 * (C strings end there), so a value with one worked in process but failed every task elsewhere with
 * Node's raw error, which quoted the whole argument, secret or not. Refused up front instead, for
 * every executor alike: a spec's default or schedule param at its line, a given value as a usage error.
 */
import { firstInValue } from './first-in-value.ts'

/**
 * The JSON pointer (relative to `value`) of its first string holding U+0000, or of the object
 * with such a key (the key itself is not named); undefined when there is none.
 */
export function findNul(value: unknown): string | undefined {
  return firstInValue(value, (leaf) => typeof leaf === 'string' && leaf.includes('\0'), (key) => key.includes('\0'))
}

/** The message for a value (`the default of param 'x'`) holding U+0000 at `at`; it never quotes the value. */
export function nulMessage(noun: string, at: string): string {
  const where = at === '' ? '' : ` at '${at}'`
  return `${noun[0]!.toUpperCase()}${noun.slice(1)} holds a NUL character (U+0000)${where}; param values travel on command lines (weir execute --param, with --executor subprocess and on the engines), which cannot carry one, so remove it.`
}
