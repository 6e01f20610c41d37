/**
 * The fast path of validation. Most specs are valid, and a valid spec needs no source positions,
 * so it is read with the block reader (block-yaml.ts: plain block YAML, the way specs are written) or,
 * when that steps aside, with js-yaml (several times faster than building yaml's position-keeping document).
 * Only a clean verdict is ever taken from this path: when anything is reported, the spec is parsed
 * again with `yaml` and every diagnostic comes from there. Documents whose reading could differ
 * between the two parsers (aliased collections, tags, `__proto__` keys, floats that overflow, `\U`
 * escapes, long lines, a CR without an LF) skip the fast path; a fuzz test checks that both paths agree.
 */
import { flowNestingTooDeep, inspectData } from './nesting.ts'
import { readBlockSpec } from './block-yaml.ts'

/** `1e309`: `yaml` reads it as the number Infinity, js-yaml as a string; only numbers this large differ. */
const HUGE_EXPONENT = /\d[eE][-+]?\d{3}/

/**
 * What could make a number that is not finite (`.inf`, `.nan`, `1e309`). Data from this path holds
 * nothing else JSON cannot (a tag sends the spec the careful way), so without these the search for
 * such values (json-values.ts) is skipped: it visits every value, ~15 ms for 20,000 tasks.
 */
const NON_FINITE_TEXT = /\.(?:inf|nan)|\d[eE][-+]?\d{3}/i

/**
 * A key that is no name: explicit (`? [x]`), null (`~:`, `null:`) or empty (`: v`), in block or flow
 * style. The parsers name such keys differently; the careful path refuses them (KEY_NOT_STRING).
 */
const NON_STRING_KEY = /(?:^[ \t]*(?:-[ \t]+)*|[{,][ \t]*)(?:\?(?=[ \t]|$)|(?:~|null|Null|NULL)?[ \t]*:(?=[ \t]|$))/m

/** A directive line (`%YAML 1.1`, `%TAG …`). */
const DIRECTIVE = /^%/m

/** A tag (`!x`, `!!str`, a bare `!`) where a token starts: the parsers differ on tag edge cases. */
const TAG = /(?:^|[\s[{,])!/

/**
 * A `\U` escape: js-yaml turns one past U+10FFFF into other characters (`"\U00110000"` into two lone
 * surrogates, `"\U80000000"` into NUL), where `yaml` refuses it. Rare enough to leave every one to `yaml`.
 */
const LONG_ESCAPE = '\\U'

/** A carriage return not followed by a line feed: js-yaml reads it as a line break, the careful path refuses it (parse.ts). */
const LONE_CR = /\r(?!\n)/

/** `yaml` refuses an implicit key longer than 1024 characters, js-yaml takes it: a line this long may hold one. */
const MAX_LINE_FOR_JS_YAML = 1024

/** The spec's data when the fast path applies and the text parses; undefined otherwise. */
export async function parseFast(text: string): Promise<{ readonly data: unknown; readonly mayHoldProtoKey: boolean; readonly mayHoldNonJson: boolean; readonly taskIds?: readonly string[] } | undefined> {
  // A directive (%YAML 1.1) changes how the parsers read the text: the careful path checks it.
  if (text.includes('__proto__') || NON_STRING_KEY.test(text) || DIRECTIVE.test(text)) return undefined
  // Plain block YAML first: read in one pass, with yaml's own scalar rules, into data that shares nothing and nests little.
  const block = readBlockSpec(text)
  if (block !== undefined) return { data: block.data, mayHoldProtoKey: false, mayHoldNonJson: NON_FINITE_TEXT.test(text), taskIds: block.taskIds }
  // Flow collections too deep for a parser to be worth running (the block reader above bounds its
  // own depth, so only text it stepped aside from is scanned): the careful path reports them.
  if (HUGE_EXPONENT.test(text) || TAG.test(text) || text.includes(LONG_ESCAPE) || LONE_CR.test(text) || hasLongLine(text, MAX_LINE_FOR_JS_YAML) || flowNestingTooDeep(text) !== undefined) return undefined
  // Loaded only here: setting up js-yaml's schemas costs more than reading a small spec as a block.
  const { load } = await import('js-yaml')
  let data: unknown
  try {
    // js-yaml 5 reads YAML 1.2 with the core schema by default, as `yaml` does. (js-yaml 4 is faster
    // but types some scalars differently, e.g. `1e309`, and accepts indentation `yaml` rejects.)
    data = load(text)
  } catch {
    return undefined // syntax errors, duplicate keys, unknown tags, several documents: the careful path explains them
  }
  // js-yaml shares one object for every alias of a collection; walking such data could take
  // exponential time (an alias bomb), and `yaml` limits aliases, so these documents go the careful way,
  // as do documents nested too deeply (the careful path says where).
  // Only a mapping can be a clean pipeline; anything else needs the careful path's explanation.
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return undefined
  // (js-yaml reads escapes: a key may be `__proto__` without the text saying so.)
  return inspectData(data) === 'ok' ? { data, mayHoldProtoKey: true, mayHoldNonJson: NON_FINITE_TEXT.test(text) } : undefined
}

/** Whether a line of `text` is longer than `limit` characters (a scan of the newlines, not a pattern that backtracks on every line). */
function hasLongLine(text: string, limit: number): boolean {
  let start = 0
  for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', start)) {
    if (end - start > limit) return true
    start = end + 1
  }
  return text.length - start > limit
}
