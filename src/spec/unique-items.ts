/**
 * `uniqueItems` in linear time. Ajv compares every pair of items when `items` declares no scalar
 * type: a param default of 250,000 numbers took 44 s of CPU to validate (a spec of 1.6 MB could
 * stall CI). Here each item is written once as canonical text (keys sorted, so `{a: 1, b: 2}`
 * equals `{b: 2, a: 1}`; a number as JavaScript prints it, so `1` equals `1.0`, as JSON Schema's
 * equality says) and looked up in a Set.
 */

/** Two equal items, `i` before `j`; as Ajv reports them: going from the end, the first item equal to a later one. */
export interface Repeat {
  readonly i: number
  readonly j: number
}

/** The repeat Ajv's `uniqueItems` would report, or undefined when all items differ. */
export function findRepeat(items: readonly unknown[]): Repeat | undefined {
  const seen = new Map<string, number>()
  for (let i = items.length - 1; i >= 0; i--) {
    const key = canonical(items[i], i)
    const j = seen.get(key)
    if (j !== undefined) return { i, j }
    seen.set(key, i)
  }
  return undefined
}

/** Ajv's message for a repeat, which weir's runtime checks repeat word for word. */
export function repeatMessage({ i, j }: Repeat): string {
  return `must NOT have duplicate items (items ## ${j} and ${i} are identical)`
}

/**
 * Text that is equal for two values exactly when JSON Schema (and Ajv's deep equality) calls them
 * equal. Values JSON has no word for (a Date aside) are taken as distinct from everything: only a
 * handler's output could hold one, and it is stored as JSON, where it would not survive anyway.
 */
function canonical(value: unknown, position: number): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value)
    case 'number':
      return String(value === 0 ? 0 : value) // -0 equals 0; NaN equals NaN, as in Ajv
    case 'boolean':
      return value ? 't' : 'f'
    case 'undefined':
      return 'u'
    case 'object':
      if (value === null) return 'n'
      if (Array.isArray(value)) return `[${value.map((item) => canonical(item, position)).join(',')}]`
      if (value instanceof Date) return `D${value.getTime()}`
      if (!isPlain(value)) return `#${position}`
      return `{${Object.keys(value)
        .sort()
        .map((key) => `${JSON.stringify(key)}:${canonical((value as Record<string, unknown>)[key], position)}`)
        .join(',')}}`
    default:
      return `#${position}`
  }
}

function isPlain(value: object): boolean {
  const proto = Object.getPrototypeOf(value) as unknown
  return proto === Object.prototype || proto === null
}
