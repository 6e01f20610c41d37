/**
 * A reader for the plain block YAML nearly every spec is written in: mappings and lists by
 * indentation, one-line scalars (plain, single- or double-quoted without escapes), one-line flow
 * lists of scalars, comments. It reads a 20,000-task spec in a few milliseconds, a tenth of what a
 * general YAML parser needs, because it does only what such a spec needs and allocates only the data.
 *
 * It is the first try of the fast path (fast-parse.ts): anything else (anchors, aliases, tags, block
 * scalars, multi-line scalars and flow collections, escapes, tabs, several documents, a duplicate key,
 * anything it is unsure of) makes it step aside, and the general parsers read the document. Where it
 * does read a document, its data must equal what `yaml` (the careful path, YAML 1.2 core schema)
 * makes of the same text; the scalar rules below are yaml's own, and a test compares the two on many
 * documents. It builds no shared or cyclic collection, and stops well before `MAX_NESTING`.
 */
import { MAX_NESTING } from './nesting.ts'

/** Thrown (and caught by `readBlockYaml`) when the text leaves the subset: the general parsers take over. */
const STEP_ASIDE = Symbol('step aside')

/** Anything that could read differently or be an error: tabs, CR, control and non-printable characters, a BOM, surrogates. */
const OUTSIDE_SUBSET = /[\t\r\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufeff\ufffe\uffff]/

// The YAML 1.2 core schema, as yaml 2 resolves plain scalars (yaml/dist/schema/core), in its order.
const NULL = /^(?:~|[Nn]ull|NULL)$/
const BOOL = /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/
const INT_OCT = /^0o[0-7]+$/
const INT = /^[-+]?[0-9]+$/
const INT_HEX = /^0x[0-9a-fA-F]+$/
const FLOAT_NAN = /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/
const FLOAT_EXP = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/
const FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/

/** A plain scalar in a flow collection this reader takes: no indicator that could mean more, spaces only inside. */
const FLOW_PLAIN = /^[A-Za-z0-9_.$/+-][A-Za-z0-9_.$/+ -]*$/

/** yaml refuses implicit keys longer than 1024 characters; stay well under. */
const MAX_KEY_LENGTH = 1000

/** Collections nested deeper than this step aside, well before the general limit (which the careful path explains). */
const MAX_DEPTH = MAX_NESTING - 8

/** Placeholders for the collection a flow reader does not make (never written to). */
const NO_ITEMS: unknown[] = []
const NO_DATA: Record<string, unknown> = {}

const SPACE = 32
const HASH = 35
const DASH = 45
const COLON = 58

/** The document's data when it is a mapping in the subset, undefined otherwise (then nothing is known about it). */
export function readBlockYaml(text: string): Record<string, unknown> | undefined {
  return readBlockSpec(text)?.data
}

/**
 * As `readBlockYaml`, with the keys of the top-level `tasks` mapping in order when it is a block
 * mapping: the checks walk those keys several times, and listing the keys of an object with
 * thousands of them (a dictionary in V8) sorts them each time.
 */
export function readBlockSpec(text: string): { readonly data: Record<string, unknown>; readonly taskIds: readonly string[] | undefined } | undefined {
  if (OUTSIDE_SUBSET.test(text)) return undefined
  try {
    const reader = new BlockReader(text)
    const data = reader.document()
    return { data, taskIds: reader.taskIds }
  } catch (error) {
    if (error === STEP_ASIDE) return undefined
    throw error
  }
}

function stepAside(): never {
  throw STEP_ASIDE
}

/** A plain scalar's value under the core schema. */
export function resolvePlainScalar(s: string): unknown {
  const c = s.charCodeAt(0)
  // By the first character, only the patterns that can match are tried: a null starts with `~`, `n`
  // or `N`, a bool with `t T f F`, a number with a digit, `+`, `-` or `.`; anything else is a string.
  // A word-like null or bool is 4 or 5 characters long: most names (task ids like `t12`, keys like
  // `needs`) are not, and skip the pattern.
  if ((c >= 97 && c <= 122) || (c >= 65 && c <= 90)) {
    const length = s.length
    if (length !== 4 && length !== 5) return s
    if (c === 110 || c === 78) return length === 4 && NULL.test(s) ? null : s
    if (c === 116 || c === 84 || c === 102 || c === 70) return BOOL.test(s) ? c === 116 || c === 84 : s
    return s
  }
  if (c === 126 /* ~ */) return s.length === 1 ? null : s
  if (!((c >= 48 && c <= 57) || c === 43 || c === 45 || c === 46)) return s
  // After a leading `.`, a number has a digit (`.5`, `.5e3`) and the others `inf` or `nan`: a path such
  // as a handler's `../handlers/x.ts#y` is a string without trying the patterns.
  if (c === 46 && !isDigitOrInfNan(s.charCodeAt(1))) return s
  if (INT_OCT.test(s)) return parseInt(s.substring(2), 8)
  if (INT.test(s)) return parseInt(s, 10)
  if (INT_HEX.test(s)) return parseInt(s.substring(2), 16)
  if (FLOAT_NAN.test(s)) return s.slice(-3).toLowerCase() === 'nan' ? NaN : s[0] === '-' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY
  if (FLOAT_EXP.test(s) || FLOAT.test(s)) return parseFloat(s)
  return s
}

/** A digit, or the first letter of `inf`/`nan` in any case yaml accepts (`.inf .Inf .INF .nan .NaN .NAN`). */
function isDigitOrInfNan(c: number): boolean {
  return (c >= 48 && c <= 57) || c === 105 || c === 73 || c === 110 || c === 78
}

/**
 * Reads line by line. The current line is described by `start` (where its content starts, after the
 * indentation or after a `- `), `column` (that position's column) and `end` (its end, trailing spaces
 * dropped); blank and comment lines are never current.
 */
class BlockReader {
  private readonly text: string
  /** Where the line after the current one starts. */
  private next = 0
  private lineStart = 0
  private start = 0
  private end = 0
  private column = 0
  private done = false
  /** Where the last quoted scalar or flow collection read ended. */
  private after = 0
  /** The keys of the top-level `tasks` mapping, in order, when it is a block mapping. */
  taskIds: string[] | undefined

  constructor(text: string) {
    this.text = text
    this.advance()
  }

  document(): Record<string, unknown> {
    // A top-level mapping at column 0; anything else (a list, a scalar, an indented or empty document) steps aside.
    if (this.done || this.column !== 0 || this.isListItem()) stepAside()
    const data = this.mapping(0, 1)
    if (!this.done) stepAside()
    return data
  }

  /** Moves to the next line with content; sets `done` at the end of the text. */
  private advance(): void {
    const text = this.text
    const length = text.length
    while (this.next < length) {
      const lineStart = this.next
      let lineEnd = text.indexOf('\n', lineStart)
      if (lineEnd === -1) lineEnd = length
      this.next = lineEnd + 1
      let i = lineStart
      while (i < lineEnd && text.charCodeAt(i) === SPACE) i++
      if (i === lineEnd || text.charCodeAt(i) === HASH) continue
      let end = lineEnd
      while (text.charCodeAt(end - 1) === SPACE) end--
      this.lineStart = lineStart
      this.start = i
      this.column = i - lineStart
      this.end = end
      return
    }
    this.done = true
  }

  /** `-` then a space or the end of the line: an item of a block list. */
  private isListItem(): boolean {
    return this.text.charCodeAt(this.start) === DASH && (this.start + 1 === this.end || this.text.charCodeAt(this.start + 1) === SPACE)
  }

  /** A collection starting at the current line, which the caller has checked sits deeper than its parent. */
  private block(depth: number): unknown {
    if (depth > MAX_DEPTH) stepAside()
    return this.isListItem() ? this.list(this.column, depth) : this.mapping(this.column, depth)
  }

  /** A block mapping; `keys`, when given, receives its keys in order. */
  private mapping(column: number, depth: number, keys?: string[]): Record<string, unknown> {
    const text = this.text
    const data: Record<string, unknown> = {}
    for (;;) {
      const colon = this.keyEnd()
      if (colon === -1) stepAside()
      const key = text.slice(this.start, colon)
      if (key === '__proto__' || Object.hasOwn(data, key)) stepAside() // a duplicate: the careful path reports it
      if (keys !== undefined) keys.push(key)
      let at = colon + 1
      while (at < this.end && text.charCodeAt(at) === SPACE) at++
      let value: unknown
      if (at < this.end && text.charCodeAt(at) !== HASH) {
        value = this.inlineValue(at, depth)
        this.advance()
      } else {
        this.advance()
        if (this.done) value = null
        else if (this.column > column) {
          if (depth === 1 && key === 'tasks' && !this.isListItem()) value = this.mapping(this.column, depth + 1, (this.taskIds = []))
          else value = this.block(depth + 1)
        }
        // A list may sit at its key's own column.
        else if (this.column === column && this.isListItem()) value = this.list(column, depth + 1)
        else value = null
      }
      data[key] = value
      if (this.done || this.column < column) return data
      if (this.column > column || this.isListItem()) stepAside()
    }
  }

  private list(column: number, depth: number): unknown[] {
    const text = this.text
    const items: unknown[] = []
    for (;;) {
      let at = this.start + 1
      while (at < this.end && text.charCodeAt(at) === SPACE) at++
      if (at === this.end || text.charCodeAt(at) === HASH) {
        this.advance()
        items.push(!this.done && this.column > column ? this.block(depth + 1) : null)
      } else {
        // The item's content starts a compact collection (`- a: 1`, `- - x`) at its own column, or is a scalar.
        this.start = at
        this.column = at - this.lineStart
        if (this.isListItem() || this.keyEnd() !== -1) items.push(this.block(depth + 1))
        else {
          items.push(this.inlineValue(at, depth))
          this.advance()
        }
      }
      if (this.done || this.column < column) return items
      if (this.column > column) stepAside()
      // Something else at the list's column: the mapping the list belongs to goes on (or steps aside).
      if (!this.isListItem()) return items
    }
  }

  /**
   * Where the `:` of a mapping key at `start` is, or -1 when the line does not start with a key this
   * reader takes: a plain name (a letter, `_` or `$`, then letters, digits, `_ $ . / -`) that the core
   * schema reads as a string, then `:` and a space or the end of the line.
   */
  private keyEnd(): number {
    const text = this.text
    let i = this.start
    const first = text.charCodeAt(i)
    if (!(first === 95 || first === 36 || (first >= 97 && first <= 122) || (first >= 65 && first <= 90))) return -1
    for (i++; i < this.end; i++) {
      const c = text.charCodeAt(i)
      if (c === 95 || c === 36 || c === 45 || c === 46 || c === 47 || (c >= 48 && c <= 57) || (c >= 97 && c <= 122) || (c >= 65 && c <= 90)) continue
      if (c !== COLON) return -1
      if (i + 1 < this.end && text.charCodeAt(i + 1) !== SPACE) return -1
      if (i - this.start > MAX_KEY_LENGTH) return -1
      return typeof resolvePlainScalar(text.slice(this.start, i)) === 'string' ? i : -1
    }
    return -1
  }

  /** The value written on the rest of the current line from `at` (a scalar or a flow list); the whole rest must be it. */
  private inlineValue(at: number, depth: number): unknown {
    const text = this.text
    const c = text.charCodeAt(at)
    if (c === 34 /* " */ || c === 39 /* ' */) {
      const value = this.quoted(at, this.end)
      this.expectLineEnd(this.after)
      return value
    }
    if (c === 91 /* [ */ || c === 123 /* { */) {
      const value = this.flow(at, depth + 1)
      this.expectLineEnd(this.after)
      return value
    }
    // Indicators that cannot start a plain scalar, or start something this reader leaves to the others.
    // (`?x` and `:x` are plain scalars to YAML 1.2, but parsers have differed on them.)
    if (']},&*!|>%@`#?:'.includes(text[at]!)) stepAside()
    if (c === DASH && (at + 1 === this.end || text.charCodeAt(at + 1) === SPACE)) stepAside()
    // A comment starts at ` #`; the line's end bounds the search (the text may hold no comment at all).
    let stop = at
    while (stop < this.end && !(text.charCodeAt(stop) === HASH && text.charCodeAt(stop - 1) === SPACE)) stop++
    while (text.charCodeAt(stop - 1) === SPACE) stop--
    const plain = text.slice(at, stop)
    // `a: b: c` is an error, and `a: b:` a nested mapping: both for the careful path.
    if (plain.includes(': ') || plain.endsWith(':')) stepAside()
    return resolvePlainScalar(plain)
  }

  /** A quoted scalar that closes before `limit`: its value (`after` is set to the position after the closing quote). */
  private quoted(at: number, limit: number): string {
    const text = this.text
    const quote = text[at]!
    if (quote === '"') {
      const close = text.indexOf('"', at + 1)
      if (close === -1 || close >= limit) stepAside()
      const value = text.slice(at + 1, close)
      if (value.includes('\\')) stepAside() // escapes: for the general parsers
      this.after = close + 1
      return value
    }
    let value = ''
    let from = at + 1
    for (;;) {
      const close = text.indexOf("'", from)
      if (close === -1 || close >= limit) stepAside()
      if (text.charCodeAt(close + 1) === 39 && close + 1 < limit) {
        value += text.slice(from, close + 1) // `''` is one quote
        from = close + 2
        continue
      }
      this.after = close + 1
      return value + text.slice(from, close)
    }
  }

  /** After a value: nothing but spaces and a comment (which must follow a space). */
  private expectLineEnd(after: number): void {
    if (after === this.end) return
    let i = after
    while (i < this.end && this.text.charCodeAt(i) === SPACE) i++
    if (i === after || this.text.charCodeAt(i) !== HASH) stepAside()
  }

  /**
   * A flow collection on one line (`[a, 'b', 3]`, `{ type: number, enum: [x, y] }`, nested): scalars
   * plain (letters, digits, `_ . $ / + -` and inner spaces) or quoted, mapping keys as in block
   * mappings with `: `, no trailing comma, no empty entry. Returns the value; `after` is set to the position after it.
   */
  private flow(at: number, depth: number): unknown {
    if (depth > MAX_DEPTH) stepAside()
    const text = this.text
    const end = this.end
    const isMapping = text.charCodeAt(at) === 123 /* { */
    const close = isMapping ? 125 /* } */ : 93 /* ] */
    // One of the two is made: a list's items or a mapping's data.
    const items: unknown[] = isMapping ? NO_ITEMS : []
    const data: Record<string, unknown> = isMapping ? {} : NO_DATA
    let i = at + 1
    while (i < end && text.charCodeAt(i) === SPACE) i++
    if (i < end && text.charCodeAt(i) === close) {
      this.after = i + 1
      return isMapping ? data : items
    }
    for (;;) {
      let key: string | undefined
      if (isMapping) {
        const colon = this.flowKeyEnd(i)
        key = text.slice(i, colon)
        if (key === '__proto__' || Object.hasOwn(data, key)) stepAside()
        i = colon + 2
        while (i < end && text.charCodeAt(i) === SPACE) i++
      }
      if (i >= end) stepAside()
      const c = text.charCodeAt(i)
      let value: unknown
      if (c === 34 || c === 39) {
        value = this.quoted(i, end)
        i = this.after
      } else if (c === 91 || c === 123) {
        value = this.flow(i, depth + 1)
        i = this.after
      } else {
        let j = i
        while (j < end) {
          const d = text.charCodeAt(j)
          if (d === 44 /* , */ || d === 93 || d === 125) break
          j++
        }
        let k = j
        while (text.charCodeAt(k - 1) === SPACE) k--
        const plain = text.slice(i, k)
        // (It cannot end with a space: those were trimmed.)
        if (!FLOW_PLAIN.test(plain) || (plain.charCodeAt(0) === DASH && (plain.length === 1 || plain.charCodeAt(1) === SPACE))) stepAside()
        value = resolvePlainScalar(plain)
        i = j
      }
      if (isMapping) data[key!] = value
      else items.push(value)
      while (i < end && text.charCodeAt(i) === SPACE) i++
      if (i >= end) stepAside()
      const d = text.charCodeAt(i++)
      if (d === close) {
        this.after = i
        // A list grown by push keeps room for 17 items; a spec's `needs: [a, b]` lists stay in memory to the end.
        return isMapping ? data : items.slice()
      }
      if (d !== 44) stepAside()
      while (i < end && text.charCodeAt(i) === SPACE) i++
    }
  }

  /** The `:` of a key in a flow mapping at `at` (a plain name as in `keyEnd`, then `: `); steps aside otherwise. */
  private flowKeyEnd(at: number): number {
    const text = this.text
    const first = text.charCodeAt(at)
    if (!(first === 95 || first === 36 || (first >= 97 && first <= 122) || (first >= 65 && first <= 90))) stepAside()
    let i = at + 1
    for (; i < this.end; i++) {
      const c = text.charCodeAt(i)
      if (!(c === 95 || c === 36 || c === 45 || c === 46 || c === 47 || (c >= 48 && c <= 57) || (c >= 97 && c <= 122) || (c >= 65 && c <= 90))) break
    }
    if (text.charCodeAt(i) !== COLON || text.charCodeAt(i + 1) !== SPACE || i + 1 >= this.end || i - at > MAX_KEY_LENGTH) stepAside()
    if (typeof resolvePlainScalar(text.slice(at, i)) !== 'string') stepAside()
    return i
  }
}
