/** The most characters of a user's value a message repeats. */
const MAX_SHOWN = 80

/**
 * Quotes a value the user typed, for a one-line message: in single quotes, control characters
 * escaped (a message stays one line) and cut after 80 characters.
 */
export function quoteValue(value: string): string {
  // eslint-disable-next-line no-control-regex
  const oneLine = value.replace(/[\u0000-\u001f\u007f]/g, (c) => (c === '\n' ? '\\n' : c === '\t' ? '\\t' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`))
  return `'${oneLine.length > MAX_SHOWN ? `${oneLine.slice(0, MAX_SHOWN)}…` : oneLine}'`
}
