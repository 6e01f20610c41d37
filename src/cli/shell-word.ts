/**
 * Words of a command weir prints for a person to paste into a shell (a resume, a `cd`, a validate):
 * quoted when a POSIX shell would split or expand them, since a path with a space breaks the
 * command and a file named `$(…).yaml` would run one.
 */

/** A word as a POSIX shell reads it back: as it is when only safe characters, else in single quotes. */
export function shellWord(word: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word
  return `'${word.replace(/'/g, `'\\''`)}'`
}
