/** One problem of a value against a JSON Schema, in words that compose into a diagnostic. */
export interface SchemaProblem {
  /** JSON pointer, relative to the checked value, of the node to point at. */
  readonly pointer: string
  /** Dotted path (relative) of what the sentence is about; `` for the value itself. */
  readonly subject: string
  /** The predicate: `must be a number, not the string 'high'`, `is missing the required key 'bucket'`. */
  readonly text: string
  /** Set when the problem is a key the schema does not allow (point at the key). */
  readonly unknownKey?: string
  /** Set when `text` says nothing of the value (a pattern that took too long): shown even for a secret. */
  readonly quotesNoValue?: boolean
}

/** Joins a noun (`the default of param 'x'`) and a problem into one sentence, capitalised, with a full stop. */
export function problemSentence(noun: string, problem: SchemaProblem): string {
  const subject = problem.subject === '' ? noun : `'${problem.subject}' in ${noun}`
  const sentence = `${subject} ${problem.text}`
  return sentence.charAt(0).toUpperCase() + sentence.slice(1) + (/[.?!]$/.test(sentence) ? '' : '.')
}

/**
 * The same sentence for a value that holds a secret (its schema marks `writeOnly: true`): the
 * problem's own words may quote the value (`is 'hunter2', which does not match the pattern`), its
 * length or a number; these say only where it is and that it does not fit.
 */
export function secretProblemSentence(noun: string, problem: SchemaProblem): string {
  if (problem.quotesNoValue) return problemSentence(noun, problem)
  const subject = problem.subject === '' ? noun : `'${problem.subject}' in ${noun}`
  const sentence = `${subject} does not fit its schema (the value holds a secret, so it is not shown)`
  return `${sentence.charAt(0).toUpperCase()}${sentence.slice(1)}.`
}

/** `the string 'x'`, `the number 3`, `a list`, `a mapping`, `null`, `true`: never `undefined` or `[object Object]`. */
export function describeJsonValue(value: unknown): string {
  if (value === null) return 'null'
  if (value === undefined) return 'nothing'
  if (Array.isArray(value)) return 'a list'
  switch (typeof value) {
    case 'string':
      return `the string '${value.length > 60 ? value.slice(0, 57) + '...' : value}'`
    case 'number':
      return `the number ${String(value)}`
    case 'boolean':
      return String(value)
    case 'object':
      return 'a mapping'
    default:
      return typeof value
  }
}

/** `a string`, `an integer`, `a list` (JSON Schema's `array`), `a mapping` (its `object`). */
export function jsonTypeArticle(type: string): string {
  if (type === 'array') return 'a list'
  if (type === 'object') return 'a mapping'
  if (type === 'null') return 'null'
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`
}
