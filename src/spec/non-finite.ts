/**
 * A param value travels as JSON (the run store, `weir execute --param`, a generated job's
 * parameters), and JSON has no NaN or Infinity: YAML's `.nan` or `.inf` in a param's default or a
 * schedule's param reached an in-process handler as such, but a resume or a subprocess got `null`.
 */
import { firstInValue } from './first-in-value.ts'

/** The JSON pointer (relative to `value`) of its first number that is not finite, or undefined. */
export function findNonFinite(value: unknown): string | undefined {
  return firstInValue(value, (leaf) => typeof leaf === 'number' && !Number.isFinite(leaf))
}

/** The message for a value (`the default of param 'x'`) with a number that is not finite at `at`. */
export function nonFiniteMessage(noun: string, at: string): string {
  const where = at === '' ? `${noun[0]!.toUpperCase()}${noun.slice(1)} is not a finite number` : `${noun[0]!.toUpperCase()}${noun.slice(1)} has a number that is not finite at '${at}'`
  return `${where}; param values travel as JSON, which has no such number, so write a finite number, null or a string.`
}
