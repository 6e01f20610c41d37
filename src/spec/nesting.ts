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
