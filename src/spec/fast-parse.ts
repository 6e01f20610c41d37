/**
 * The fast path of validation. Most specs are valid, and a valid spec needs no source positions,
 * so it is read with js-yaml (several times faster than building yaml's position-keeping document).
 * Only a clean verdict is ever taken from this path: when anything is reported, the spec is parsed
 * again with `yaml` and every diagnostic comes from there. Documents whose reading could differ
 * between the two parsers (aliased collections, `__proto__` keys) skip the fast path; a fuzz test
 * checks that both paths agree.
 */
import { load } from 'js-yaml'

/** The spec's data when the fast path applies and the text parses; undefined otherwise. */
export function parseFast(text: string): { readonly data: unknown } | undefined {
  if (text.includes('__proto__')) return undefined
  let data: unknown
  try {
    data = load(text)
  } catch {
    return undefined // syntax errors, duplicate keys, unknown tags, several documents: the careful path explains them
  }
  // js-yaml shares one object for every alias of a collection; walking such data could take
  // exponential time (an alias bomb), and `yaml` limits aliases, so these documents go the careful way.
  return hasSharedCollections(data, new Set()) ? undefined : { data }
}

function hasSharedCollections(value: unknown, seen: Set<object>): boolean {
  if (value === null || typeof value !== 'object') return false
  if (seen.has(value)) return true
  seen.add(value)
  for (const item of Array.isArray(value) ? value : Object.values(value)) if (hasSharedCollections(item, seen)) return true
  return false
}
