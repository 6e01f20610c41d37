/**
 * How deeply a spec may nest collections. Every walk over spec data (the schema check, the rules,
 * the runtime's input resolution, codegen) recurses, and the stack a walk may use differs between the
 * main thread and worker threads; a fixed limit, checked before any of them runs, makes deep
 * documents one clear diagnostic instead of a stack overflow somewhere later.
 */

/** Collections (mappings and lists) nested inside each other, the top-level mapping counting as one. */
export const MAX_NESTING = 128

/**
 * Whether plain data (no shared or cyclic collections) nests deeper than `MAX_NESTING`, or shares a
 * collection between two places (what an alias of a collection makes). Iterative, so any depth is safe.
 */
export function inspectData(data: unknown): 'ok' | 'too-deep' | 'shared' {
  const seen = new Set<object>()
  // Two parallel stacks rather than one of small objects: this runs over every spec's data.
  const values: unknown[] = [data]
  const depths: number[] = [1]
  while (values.length > 0) {
    const value = values.pop()
    const depth = depths.pop()!
    if (value === null || typeof value !== 'object') continue
    if (depth > MAX_NESTING) return 'too-deep'
    if (seen.has(value)) return 'shared'
    seen.add(value)
    for (const item of Array.isArray(value) ? value : Object.values(value)) {
      if (item === null || typeof item !== 'object') continue
      values.push(item)
      depths.push(depth + 1)
    }
  }
  return 'ok'
}

/**
 * For a spec whose flow collections nest far deeper than MAX_NESTING (SCAN_LIMIT), the offset of
 * the `[` or `{` that went past MAX_NESTING; else undefined. A scan of the text, before any parser
 * sees it: a 2 MB document of a million `[` cost the parsers seconds and a gigabyte of memory before
 * the depth check that follows them could refuse it (and `weir ui` validates every spec in its
 * folder). Only brackets that open a flow collection count: inside one, any bracket outside quotes;
 * in block context, one where a value or an item starts (at the start of a line, or after `: `,
 * `- ` or `? `), never one inside a plain scalar (`a[b`). Quoted scalars, block scalars (`|`, `>`)
 * and comments are skipped. Block nesting needs no scan: each level costs a line and an
 * indentation, so a spec under the size limit cannot nest deep with it.
 */
export function flowNestingTooDeep(text: string): number | undefined {
  let depth = 0
  // Where the depth last went past MAX_NESTING: what is reported, once it goes far past it.
  let over = 0
  const n = text.length
  // Only these characters matter; the regular expression skips the rest natively.
  const special = /[[\]{}"'#|>]/g
  for (let m = special.exec(text); m !== null; m = special.exec(text)) {
    const i = m.index
    const c = text.charCodeAt(i)
    if (c === 0x5b || c === 0x7b) {
      // [ {: inside a flow collection always an opener; in block context only where a value starts.
      if (depth === 0 && !startsValue(text, i)) continue
      if (++depth === MAX_NESTING + 1) over = i
      else if (depth > SCAN_LIMIT) return over
    } else if (c === 0x5d || c === 0x7d) {
      // ] }
      if (depth > 0) depth--
    } else if (c === 0x7c || c === 0x3e) {
      // | >: a block scalar's header skips its indented lines (in block context, where a value starts).
      if (depth === 0 && startsValue(text, i)) special.lastIndex = endOfBlockScalar(text, i)
    } else if (i > 0 && !(c === 0x23 ? isSpace(text.charCodeAt(i - 1)) : isTokenStart(text.charCodeAt(i - 1)))) {
      // A quote inside a word (it's, 5") is no quoted scalar, a # inside one no comment.
    } else if (c === 0x22) {
      // "…": backslash escapes
      let j = i + 1
      while (j < n && text.charCodeAt(j) !== 0x22) j += text.charCodeAt(j) === 0x5c ? 2 : 1
      special.lastIndex = j + 1
    } else if (c === 0x27) {
      // '…': '' escapes
      let j = i + 1
      while (j < n && !(text.charCodeAt(j) === 0x27 && text.charCodeAt(j + 1) !== 0x27)) j += text.charCodeAt(j) === 0x27 ? 2 : 1
      special.lastIndex = j + 1
    } else {
      // # comment, to the end of the line
      const eol = text.indexOf('\n', i)
      special.lastIndex = eol === -1 ? n : eol + 1
    }
  }
  return undefined
}

/** Whether the character at `i` starts a value in block context: first on its line, or after `: `, `- ` or `? `. */
function startsValue(text: string, i: number): boolean {
  let j = i - 1
  while (j >= 0 && (text.charCodeAt(j) === 0x20 || text.charCodeAt(j) === 0x09)) j--
  if (j < 0 || text.charCodeAt(j) === 0x0a || text.charCodeAt(j) === 0x0d) return true
  if (j === i - 1) return false // no space between it and what comes before
  const p = text.charCodeAt(j)
  return p === 0x3a || p === 0x2d || p === 0x3f // : - ?
}

/** Where the block scalar whose header (`|`, `>`, `|-`…) is at `i` ends: after its last line indented deeper than the header's line. */
function endOfBlockScalar(text: string, i: number): number {
  const lineStart = text.lastIndexOf('\n', i) + 1
  let indent = 0
  while (text.charCodeAt(lineStart + indent) === 0x20) indent++
  let at = text.indexOf('\n', i)
  if (at === -1) return text.length
  for (;;) {
    const next = at + 1
    if (next >= text.length) return text.length
    let spaces = 0
    while (text.charCodeAt(next + spaces) === 0x20) spaces++
    const c = text.charCodeAt(next + spaces)
    const blank = c === 0x0a || c === 0x0d || next + spaces >= text.length
    if (!blank && spaces <= indent) return next
    const eol = text.indexOf('\n', next)
    if (eol === -1) return text.length
    at = eol
  }
}

/**
 * The scan refuses only flow nesting far past MAX_NESTING: below this, the exact check after
 * parsing (which counts block levels and aliases too, check-structure.ts) is cheap and says precisely
 * which node is too deep.
 */
const SCAN_LIMIT = 8 * MAX_NESTING

const isSpace = (c: number): boolean => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d
/** Where a quoted scalar may start: after a space, a line break, or a flow or mapping indicator. */
const isTokenStart = (c: number): boolean => isSpace(c) || c === 0x5b || c === 0x7b || c === 0x2c || c === 0x3a || c === 0x2d
