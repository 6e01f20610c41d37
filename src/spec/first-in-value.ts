/**
 * The JSON pointer (relative to `value`) of the first leaf `isBad` refuses, or of the first object
 * with a key `isBadKey` refuses (the key itself is not named: it may be a secret's); undefined when
 * there is none. The walk under the checks of param values that cannot travel (non-finite.ts,
 * nul-char.ts); it stops 200 levels down (deeper values are refused elsewhere).
 */
import { isObject } from './collect.ts'
import { toPointer } from './pointer.ts'

export function firstInValue(value: unknown, isBad: (leaf: unknown) => boolean, isBadKey?: (key: string) => boolean): string | undefined {
  const path: string[] = []
  const walk = (node: unknown, depth: number): boolean => {
    if (!Array.isArray(node) && !isObject(node)) return isBad(node)
    if (depth > 200) return false
    for (const [key, item] of Object.entries(node)) {
      if (isBadKey?.(key)) return true
      path.push(key)
      if (walk(item, depth + 1)) return true
      path.pop()
    }
    return false
  }
  return walk(value, 0) ? toPointer(path) : undefined
}
