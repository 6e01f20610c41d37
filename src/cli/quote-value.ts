import { escapeControls } from './escape-controls.ts'

/** The most characters of a user's value a message repeats. */
const MAX_SHOWN = 80

/**
 * Quotes a value the user typed, for a one-line message: in single quotes, control characters
 * escaped (a message stays one line) and cut after 80 characters.
 */
export function quoteValue(value: string): string {
  const oneLine = escapeControls(value)
  return `'${oneLine.length > MAX_SHOWN ? `${oneLine.slice(0, MAX_SHOWN)}…` : oneLine}'`
}
