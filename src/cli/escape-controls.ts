/**
 * Control and invisible characters in text that came from a user or a spec, shown as escapes.
 * Written to a terminal as they are, ESC sequences clear lines, hide text or set the window title, CR
 * returns to the start of the line, and the bidi overrides reorder what is shown: a hostile spec could
 * hide its own errors from whoever reads `weir spec validate`. Invisible characters (zero-width space,
 * word joiner, byte order mark, direction marks, line and paragraph separators, a soft hyphen) make
 * two names look alike: task id `a\u200bb` was reported as `'ab' is not a valid name`. Escapes are one
 * visible form for all: `\n`, `\r`, `\t`, else `\uXXXX`.
 */
// eslint-disable-next-line no-control-regex
const CONTROLS = /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g
const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' }

/** The zero-width non-joiner and joiner: invisible beside ASCII, but part of how Persian, Indic scripts and emoji sequences are written. */
const JOINERS = '\u200c\u200d'

/** `text` with every control character escaped, except those in `keep` (which the caller encodes itself). */
export function escapeControls(text: string, keep = ''): string {
  return text.replace(CONTROLS, (c, at: number) => {
    if (keep.includes(c) || (JOINERS.includes(c) && joinsOtherScripts(text, at))) return c
    return NAMED[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`
  })
}

/** Whether a joiner at `at` sits between two characters beyond ASCII (`👨‍👩`, `می‌خواهم`), where it is visible in what it joins. */
function joinsOtherScripts(text: string, at: number): boolean {
  return at > 0 && at + 1 < text.length && text.charCodeAt(at - 1) > 0x7f && text.charCodeAt(at + 1) > 0x7f
}
