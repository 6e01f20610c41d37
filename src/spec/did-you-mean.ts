/** Suggests the closest known name for a misspelt one, in the form of a message suffix. */
export function didYouMean(value: string, candidates: Iterable<string>): string {
  const best = closest(value, candidates)
  return best === undefined ? '' : `; did you mean '${best}'?`
}

/** The candidate with the smallest edit distance, if it is close enough to be a plausible typo. */
export function closest(value: string, candidates: Iterable<string>): string | undefined {
  const list = [...candidates]
  const limit = Math.max(2, Math.floor(value.length / 3))
  let best: string | undefined
  let bestDistance = Infinity
  for (const candidate of list) {
    const d = editDistance(value.toLowerCase(), candidate.toLowerCase())
    if (d < bestDistance && d <= limit) {
      best = candidate
      bestDistance = d
    }
  }
  if (best === undefined && value.length >= 4) {
    // `retry` → `retries`: a shared stem is as telling as a small edit distance.
    const lower = value.toLowerCase()
    for (const candidate of list) {
      const shared = commonPrefixLength(lower, candidate.toLowerCase())
      if (shared >= 4 && shared >= Math.ceil(0.75 * Math.min(lower.length, candidate.length))) return candidate
    }
  }
  return best
}

function commonPrefixLength(a: string, b: string): number {
  let i = 0
  while (i < a.length && i < b.length && a[i] === b[i]) i++
  return i
}

/** Damerau–Levenshtein (optimal string alignment) distance: a swap of neighbours costs 1. */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1
  const cols = b.length + 1
  const d: number[] = new Array<number>(rows * cols).fill(0)
  for (let i = 0; i < rows; i++) d[i * cols] = i
  for (let j = 0; j < cols; j++) d[j] = j
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      let v = Math.min(d[(i - 1) * cols + j]! + 1, d[i * cols + j - 1]! + 1, d[(i - 1) * cols + j - 1]! + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[(i - 2) * cols + j - 2]! + 1)
      d[i * cols + j] = v
    }
  }
  return d[rows * cols - 1]!
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
  const names = [...known]
  const close = closest(value, names)
  if (close !== undefined) return `; did you mean '${close}'?`
  if (names.length === 0) return `; ${emptyHint}.`
  if (names.length > 12) return `; ${knownLabel} include ${listAll(names.slice(0, 12))}.`
  return `; ${knownLabel} are ${names.length === 1 ? 'only ' : ''}${listAll(names)}.`
}
