/**
 * Control characters in text that came from a user or a spec, shown as escapes. Written to a
 * terminal as they are, ESC sequences clear lines, hide text or set the window title, CR returns
 * to the start of the line, and the bidi overrides reorder what is shown: a hostile spec could
 * hide its own errors from whoever reads `weir spec validate`. Escapes are one visible form for all:
 * `\n`, `\r`, `\t`, else `\uXXXX`.
 */
// eslint-disable-next-line no-control-regex
const CONTROLS = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g
const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' }

/** `text` with every control character escaped, except those in `keep` (which the caller encodes itself). */
export function escapeControls(text: string, keep = ''): string {
  return text.replace(CONTROLS, (c) => (keep.includes(c) ? c : (NAMED[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)))
}
