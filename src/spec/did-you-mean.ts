/** Suggests the closest known name for a misspelt one, in the form of a message suffix. */
export function didYouMean(value: string, candidates: Iterable<string>): string {
  const best = closest(value, candidates)
  return best === undefined ? '' : `; did you mean '${best}'?`
}

/**
 * The candidate with the smallest edit distance, if it is close enough to be a plausible typo.
 * Each comparison stops as soon as it cannot beat the best so far: a spec with thousands of
 * misspelt references to thousands of tasks is checked in a blink instead of seconds, because
 * names whose lengths differ by more than the bound are never compared at all.
 */
export function closest(value: string, candidates: Iterable<string>): string | undefined {
  const list = Array.isArray(candidates) ? (candidates as readonly string[]) : [...candidates]
  const lower = value.toLowerCase()
  const limit = Math.max(2, Math.floor(value.length / 3))
  for (let i = 0; i < lower.length; i++) letterCounts[bucket(lower, i)]!++
  let best: string | undefined
  let bestDistance = limit + 1
  for (const candidate of list) {
    const bound = bestDistance - 1
    if (Math.abs(candidate.length - lower.length) > bound) continue
    const other = candidate.toLowerCase()
    if (letterDifference(lower.length, other) > bound) continue
    const d = boundedEditDistance(lower, other, bound)
    if (d <= bound) {
      best = candidate
      bestDistance = d
      if (d === 0) break
    }
  }
  for (let i = 0; i < lower.length; i++) letterCounts[bucket(lower, i)] = 0
  if (best === undefined && value.length >= 4) {
    // `retry` → `retries`: a shared stem is as telling as a small edit distance.
    for (const candidate of list) {
      const shared = commonPrefixLength(lower, candidate.toLowerCase())
      if (shared >= 4 && shared >= Math.ceil(0.75 * Math.min(lower.length, candidate.length))) return candidate
    }
  }
  return best
}

// How often each character occurs in the name being looked up (non-ASCII ones share a bucket).
const letterCounts = new Int32Array(128)
const bucket = (text: string, i: number): number => Math.min(text.charCodeAt(i), 127)

/**
 * A lower bound of the edit distance, in a pass over `other`: the letters one name has and the
 * other lacks. Each edit adds or removes at most one of them, and a swap none. Most names in a
 * long list are ruled out by it without filling a distance table.
 */
function letterDifference(valueLength: number, other: string): number {
  let unmatched = 0
  for (let i = 0; i < other.length; i++) if (letterCounts[bucket(other, i)]!-- <= 0) unmatched++
  for (let i = 0; i < other.length; i++) letterCounts[bucket(other, i)]!++
  return Math.max(unmatched, valueLength - (other.length - unmatched))
}

function commonPrefixLength(a: string, b: string): number {
  let i = 0
  while (i < a.length && i < b.length && a[i] === b[i]) i++
  return i
}

/** Damerau–Levenshtein (optimal string alignment) distance: a swap of neighbours costs 1. */
export function editDistance(a: string, b: string): number {
  return boundedEditDistance(a, b, Infinity)
}

// Three rows of the distance table, reused between calls (grown when a longer name comes).
let twoAbove = new Int32Array(64)
let above = new Int32Array(64)
let row = new Int32Array(64)
let rowsLength = 64

/**
 * The optimal-string-alignment distance of `a` and `b` when it is at most `bound`, else some
 * number above `bound`. It gives up once two neighbouring rows are both past the bound: every
 * later cell is built from those rows (a transposition adds 1 to the row two above), so none can
 * come back under it.
 */
export function boundedEditDistance(a: string, b: string, bound: number): number {
  const cols = b.length + 1
  if (rowsLength < cols) growRows(cols * 2)
  // Locals, not the module's bindings, in the loop: V8 keeps them in registers.
  let up2 = twoAbove
  let up = above
  let cur = row
  for (let j = 0; j < cols; j++) up[j] = j
  let upMin = 0
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i
    let curMin = i
    const ai = a.charCodeAt(i - 1)
    const aPrev = i > 1 ? a.charCodeAt(i - 2) : -1
    let left = i
    let diagonal = up[0]!
    for (let j = 1; j < cols; j++) {
      const bj = b.charCodeAt(j - 1)
      const upper = up[j]!
      let v = diagonal + (ai === bj ? 0 : 1)
      if (upper + 1 < v) v = upper + 1
      if (left + 1 < v) v = left + 1
      if (ai !== bj && j > 1 && aPrev === bj && ai === b.charCodeAt(j - 2) && up2[j - 2]! + 1 < v) v = up2[j - 2]! + 1
      cur[j] = v
      if (v < curMin) curMin = v
      left = v
      diagonal = upper
    }
    if (curMin > bound && upMin + 1 > bound) return bound + 1
    const spare = up2
    up2 = up
    up = cur
    cur = spare
    upMin = curMin
  }
  twoAbove = up2
  above = up
  row = cur
  return up[cols - 1]!
}

function growRows(length: number): void {
  twoAbove = new Int32Array(length)
  above = new Int32Array(length)
  row = new Int32Array(length)
  rowsLength = length
}

/** Formats choices for a message: `'a', 'b' or 'c'`. */
export function listChoices(choices: readonly string[]): string {
  const quoted = choices.map((c) => `'${c}'`)
  if (quoted.length <= 1) return quoted.join('')
  return `${quoted.slice(0, -1).join(', ')} or ${quoted.at(-1)}`
}

/** Formats names for a message: `'a', 'b' and 'c'`. */
export function listAll(names: readonly string[]): string {
  const quoted = names.map((c) => `'${c}'`)
  if (quoted.length <= 1) return quoted.join('')
  return `${quoted.slice(0, -1).join(', ')} and ${quoted.at(-1)}`
}

/**
 * The end of an "unknown name" message: a close match if there is one, else the known names,
 * else a hint for declaring one. Includes the final punctuation.
 */
export function suggestFix(value: string, known: Iterable<string>, knownLabel: string, emptyHint: string): string {
  const names = Array.isArray(known) ? (known as string[]) : [...known]
  return unknownNameEnding(closest(value, names), names, knownLabel, emptyHint)
}

/** `suggestFix` for a caller that found (or chose not to look for) the close match itself. */
export function unknownNameEnding(close: string | undefined, names: readonly string[], knownLabel: string, emptyHint: string): string {
  if (close !== undefined) return `; did you mean '${close}'?`
  if (names.length === 0) return `; ${emptyHint}.`
  if (names.length > 12) return `; ${knownLabel} include ${listAll(names.slice(0, 12))}.`
  return `; ${knownLabel} are ${names.length === 1 ? 'only ' : ''}${listAll(names)}.`
}
