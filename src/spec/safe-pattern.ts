/**
 * The regular expressions of JSON Schemas written by users (`pattern`, and in Ajv `patternProperties`
 * and `propertyNames`), tested so that a test always ends. V8 matches by backtracking: a pattern such
 * as `^(a+)+$` takes time doubling with each character of `aaaa…!`, and even `a+b` takes seconds on
 * a string of 100,000 `a`s. Both pattern and value come from a spec (or a `--param`), so one spec in
 * a pull request could hang `weir spec validate` in CI, `weir run`, and every request of `weir ui`.
 *
 * Each pattern is compiled once and analysed: how many ways backtracking could try to match a text
 * of n characters (each quantifier picks a number of repeats, each `|` a branch, and a repeated group
 * multiplies its body's choices per repeat). A text short enough for that count to stay small is
 * tested directly, as any RegExp; a longer one (or any text, for a pattern with a back-reference)
 * is tested under a `vm` timeout, which V8 can interrupt mid-match. That costs ~0.1 ms per test, so
 * the plain patterns and texts of ordinary outputs never pay it. (V8's linear engine cannot take the
 * `u` flag JSON Schema patterns need, or it would be the simpler answer.)
 */
import vm from 'node:vm'

/** How long one test of a text may take before it is given up (and the check fails with a message). */
export const PATTERN_BUDGET_MS = 250

/** Backtracking steps a direct test may need at worst (~10 ms of V8's matching). */
const DIRECT_STEPS = 1e7

/** A test of a pattern against a text took longer than PATTERN_BUDGET_MS. */
export class PatternTooSlowError extends Error {
  /** The pattern's source, as the schema wrote it. */
  readonly pattern: string
  /**
   * The text it was tested on: to find where it sits in the checked value, never to show it (it may
   * be a secret), so not enumerable: an error written out as JSON does not carry it.
   */
  declare readonly text: string
  constructor(pattern: string, text: string) {
    super(`The pattern '${pattern}' took longer than ${PATTERN_BUDGET_MS} ms to test a value`)
    this.name = 'PatternTooSlowError'
    this.pattern = pattern
    Object.defineProperty(this, 'text', { value: text, enumerable: false })
  }
}

const SIMPLIFY = "simplify the pattern (a repeated group that itself repeats or has alternatives, such as '(a+)+' or '(a|ab)*', takes time exponential in the value's length)"

/** The same for the runtime's checks, in Ajv's words (`'name' must match pattern "^[a-z]+$"`). */
export function tooSlowCheckMessage(pattern: string): string {
  return `could not be checked: pattern "${pattern}" took longer than ${PATTERN_BUDGET_MS} ms on it; ${SIMPLIFY}`
}

/** The predicate of a problem sentence: `… could not be checked: its pattern '^(a+)+$' took …`. */
export function tooSlowText(pattern: string): string {
  return `could not be checked: its pattern '${pattern}' took longer than ${PATTERN_BUDGET_MS} ms on this value; ${SIMPLIFY}`
}

/** A compiled schema pattern; `test` throws PatternTooSlowError instead of running on. Ajv takes it as a RegExp. */
export interface SafePattern {
  readonly source: string
  readonly flags: string
  test(text: string): boolean
  toString(): string
}

const compiled = new Map<string, SafePattern>()
/** Distinct patterns kept (weir ui validates edited specs for days); past it the cache starts over. */
const MAX_CACHED = 2000

/** The pattern `source` compiled with `flags` (JSON Schema's are `u`); throws SyntaxError when it is not a regular expression. */
export function compilePattern(source: string, flags = 'u'): SafePattern {
  const key = `${flags}/${source}`
  let pattern = compiled.get(key)
  if (pattern) return pattern
  const re = new RegExp(source, flags)
  const directUpTo = longestDirectText(source)
  pattern = {
    source,
    flags,
    test: (text) => (text.length <= directUpTo ? re.test(text) : testWithTimeout(re, source, text)),
    // Ajv keeps one compiled pattern per distinct toString().
    toString: () => `/${source}/${flags}`,
  }
  if (compiled.size >= MAX_CACHED) compiled.clear()
  compiled.set(key, pattern)
  return pattern
}

/** Ajv's `code.regExp` option: every pattern Ajv compiles is a SafePattern. */
export const ajvRegExp = Object.assign((source: string, flags: string): SafePattern => compilePattern(source, flags), {
  // Only read by Ajv's standalone code, which weir never generates from user schemas.
  code: 'compilePattern',
})

let sandbox: { context: vm.Context; script: vm.Script } | undefined

function testWithTimeout(re: RegExp, source: string, text: string): boolean {
  sandbox ??= { context: vm.createContext({ re: null, text: '' }), script: new vm.Script('re.test(text)') }
  const { context, script } = sandbox
  context.re = re
  context.text = text
  try {
    return script.runInContext(context, { timeout: PATTERN_BUDGET_MS }) as boolean
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') throw new PatternTooSlowError(source, text)
    throw error
  } finally {
    // The sandbox must not keep a large text (or a secret) alive.
    context.re = null
    context.text = ''
  }
}

/** Where `text` is in `value`, as path segments: a string equal to it, or a key (patternProperties, propertyNames). */
export function pathOfText(value: unknown, text: string): string[] | undefined {
  const path: string[] = []
  const visit = (node: unknown): boolean => {
    if (node === text) return true
    if (node === null || typeof node !== 'object') return false
    const entries: [string, unknown][] = Array.isArray(node) ? node.map((item, i) => [String(i), item]) : Object.entries(node)
    for (const [key, item] of entries) {
      path.push(key)
      if (key === text && !Array.isArray(node)) return true
      if (visit(item)) return true
      path.pop()
    }
    return false
  }
  return visit(value) ? path : undefined
}

// ---------------------------------------------------------------------------------------------
// How long a text may be for a direct test: an upper bound of the work backtracking could do.

/** A parsed pattern, as far as the bound needs: choices and repeats, not what characters match. */
type Node =
  // A character, a class, `.`, an escape or an anchor: its source, to ask which characters it matches.
  | { readonly kind: 'atom'; readonly source: string }
  | { readonly kind: 'alternatives'; readonly branches: readonly (readonly Node[])[] }
  // `pinned`: see isPinned
  | { readonly kind: 'repeat'; readonly body: Node; readonly min: number; readonly max: number; readonly pinned: boolean }

/**
 * The longest text (in UTF-16 units, an over-count of characters) on which the pattern cannot
 * backtrack more than DIRECT_STEPS times; -1 when no length is safe (a back-reference, whose
 * matching this bound does not model, or a pattern whose count is too large at any length).
 */
function longestDirectText(source: string): number {
  const parsed = parsePattern(source)
  if (parsed === undefined) return -1
  const limit = Math.log2(DIRECT_STEPS)
  // The bound grows with n: search for the largest n within it.
  if (!(log2Work(parsed, 0) <= limit)) return -1
  let low = 0
  let high = 1
  while (high < 2 ** 30 && log2Work(parsed, high) <= limit) high *= 2
  if (high >= 2 ** 30) return Number.MAX_SAFE_INTEGER // a pattern without repeats
  while (high - low > 1) {
    const mid = Math.floor((low + high) / 2)
    if (log2Work(parsed, mid) <= limit) low = mid
    else high = mid
  }
  return low
}

/** log2 of the bound for a text of n units: a start at each position, times the paths from one start. */
function log2Work(tree: Node, n: number): number {
  return Math.log2(n + 1) + log2Paths(tree, n)
}

function log2Paths(node: Node, n: number): number {
  switch (node.kind) {
    case 'atom':
      return 0
    case 'alternatives': {
      // log2 of a sum, bounded above by the largest term plus log2 of their number.
      const terms = node.branches.map((branch) => log2Sequence(branch, n))
      return Math.max(...terms) + Math.log2(terms.length)
    }
    case 'repeat': {
      // Repeats beyond `min` must each consume a character (V8 stops an empty one), so at most min + n.
      const most = Math.min(node.max, node.min + n)
      const counts = Math.max(most - node.min + 1, 1)
      const body = log2Paths(node.body, n)
      if (body === 0) return Math.log2(counts)
      // A body pinned to a separator (`(-[a-z]+)*`) tries its choices once per repeat, not per combination.
      if (node.pinned) return Math.log2(counts) + body
      return Math.log2(counts) + most * body // Σ body^k for k = min…most ≤ counts · body^most
    }
  }
}

function log2Sequence(items: readonly Node[], n: number): number {
  let sum = 0
  for (const item of items) sum += log2Paths(item, n)
  return sum
}

/**
 * Whether each repeat of `body` must start at the next occurrence of one character, and can reach
 * it in one way only: the body is that character (`-`, `\.`, `,`) followed by atoms none of which
 * matches it, at most one of them repeated a varying number of times (`-[a-z0-9]+`). Then the
 * repeats of a group cannot split a text in more than one way, and backtracking does not multiply.
 */
function isPinned(body: Node): boolean {
  if (body.kind !== 'alternatives' || body.branches.length !== 1) return false
  const [first, ...rest] = body.branches[0]!
  const separator = first?.kind === 'atom' ? literalOf(first.source) : undefined
  if (separator === undefined) return false
  let varying = 0
  for (const item of rest) {
    const atom = item.kind === 'repeat' ? item.body : item
    if (atom.kind !== 'atom' || atomMatches(atom.source, separator)) return false
    if (item.kind === 'repeat' && item.min !== item.max) varying++
  }
  return varying <= 1
}

/** The one character a literal atom matches (`-`, `\.`), or undefined for anything else. */
function literalOf(source: string): string | undefined {
  if (source.length === 1 && !'.^$'.includes(source)) return source
  if (source.length === 2 && source[0] === '\\' && /[^A-Za-z0-9]/.test(source[1]!)) return source[1]
  return undefined
}

function atomMatches(source: string, char: string): boolean {
  return new RegExp(`^(?:${source})$`, 'u').test(char)
}

/**
 * Parses a pattern as JavaScript reads it with the `u` flag (it compiled already, so its syntax is
 * valid): groups, alternatives, quantifiers, classes and escapes. Undefined for a pattern with a
 * back-reference (`\1`, `\k<name>`), which this bound does not model.
 */
function parsePattern(source: string): Node | undefined {
  let at = 0
  let backReference = false
  const alternatives = (): Node => {
    const branches: Node[][] = [[]]
    while (at < source.length && source[at] !== ')') {
      if (source[at] === '|') {
        at++
        branches.push([])
        continue
      }
      const atom = parseAtom()
      branches[branches.length - 1]!.push(parseQuantifier(atom))
    }
    return { kind: 'alternatives', branches }
  }
  const parseAtom = (): Node => {
    const start = at
    const c = source[at]!
    if (c === '(') {
      at++
      // (?: (?= (?! (?<= (?<! (?<name>: the prefix does not change the count.
      if (source[at] === '?') {
        at++
        if (source[at] === '<' && source[at + 1] !== '=' && source[at + 1] !== '!') at = source.indexOf('>', at) + 1
        else at += source[at] === '<' ? 2 : 1
      }
      const body = alternatives()
      if (source[at] !== ')') throw new Error('unbalanced group')
      at++
      return body
    }
    if (c === '[') {
      at++
      while (at < source.length && source[at] !== ']') at += source[at] === '\\' ? 2 : 1
      at++
    } else if (c === '\\') {
      const next = source[at + 1] ?? ''
      at += 2
      if (/[1-9]/.test(next) || next === 'k') backReference = true
      if ((next === 'u' || next === 'p' || next === 'P') && source[at] === '{') at = source.indexOf('}', at) + 1
      else if (next === 'u') at += 4
      else if (next === 'x') at += 2
      else if (next === 'c') at += 1
    } else at++
    return { kind: 'atom', source: source.slice(start, at) }
  }
  const parseQuantifier = (atom: Node): Node => {
    const c = source[at]
    let min: number
    let max: number
    if (c === '*') [min, max, at] = [0, Infinity, at + 1]
    else if (c === '+') [min, max, at] = [1, Infinity, at + 1]
    else if (c === '?') [min, max, at] = [0, 1, at + 1]
    else if (c === '{') {
      const match = /^\{(\d+)(,(\d*))?\}/.exec(source.slice(at))
      if (!match) throw new Error('not a quantifier')
      min = Number(match[1])
      max = match[2] === undefined ? min : match[3] === '' ? Infinity : Number(match[3])
      at += match[0].length
    } else return atom
    if (source[at] === '?') at++ // lazy: the same choices, tried in another order
    return { kind: 'repeat', body: atom, min, max, pinned: isPinned(atom) }
  }
  try {
    const tree = alternatives()
    if (at !== source.length) return undefined
    return backReference ? undefined : tree
  } catch {
    return undefined // not understood: every text is tested under the timeout
  }
}

/** For tests: the longest text tested without the timeout (-1: none). */
export const longestDirectTextForTest = longestDirectText
