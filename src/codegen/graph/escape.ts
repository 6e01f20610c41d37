/**
 * Escaping for the two languages the graph is written in. Handler paths and descriptions come from
 * the spec and may contain anything, so neither may reach Mermaid's parser or the page as markup.
 */

/** Characters that pass through a Mermaid label unchanged; everything else becomes an entity code. */
const MERMAID_SAFE = /[A-Za-z0-9 _.,:/@+=()-]/

/**
 * Text for inside a quoted Mermaid label (`id["…"]`). Every character outside a small safe set is
 * written as Mermaid's decimal entity code (`#60;` for `<`), which Mermaid turns into an HTML
 * character reference: it shows as the character and can never open a tag, close the quote or start
 * a Markdown string.
 */
export function escapeMermaidText(text: string): string {
  let out = ''
  for (const char of text) {
    if (MERMAID_SAFE.test(char)) out += char
    else if (char === '\n' || char === '\r' || char === '\t') out += ' '
    else out += `#${char.codePointAt(0)};`
  }
  return out
}

const HTML_ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

/** Text for HTML element content or a quoted attribute value. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!)
}

/**
 * JSON for inside a `<script type="application/json">` element: `<`, `>` and `&` are written as
 * `\u003c`-style escapes so no string in the data can close the element or open a comment.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029')
}

/**
 * JavaScript source for inside an inline `<script>` element. `</script` would end the element and
 * `<!--`/`<script` change how the HTML parser reads it; in a minified library they only occur inside
 * string and regular-expression literals, where `\x3C` means the same `<`.
 */
export function scriptForInline(source: string): string {
  return source.replace(/<(\/?script|!--)/gi, '\\x3C$1')
}
