/**
 * Reading what a handler threw. Anything can be thrown, and reading it can throw in turn: an object
 * whose `code` is a getter that throws, an Error whose `stack` does, a Proxy whose every read does
 * (and whose `String()` does too). weir reads a thrown value's code, message, stack and cause to
 * report the failure; a read that throws there turned a handler's failure into a crash of weir
 * (`weir execute` exited 70 without an error.json; in process the attempt was an EXECUTOR_ERROR of
 * origin system). Every read of a thrown value goes through these functions, which never throw.
 * In the bottom layer: the runtime, the CLI and the IoManagers all inspect thrown values.
 */

/** `value[key]`, or undefined when `value` is no object (or function) or reading the property throws. */
export function propertyOf(value: unknown, key: PropertyKey): unknown {
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null) return undefined
  try {
    return (value as Record<PropertyKey, unknown>)[key]
  } catch {
    return undefined
  }
}

/** `value[key]` when it is a string, else undefined; never throws. */
export function stringPropertyOf(value: unknown, key: PropertyKey): string | undefined {
  const read = propertyOf(value, key)
  return typeof read === 'string' ? read : undefined
}

/** `value instanceof Error`, false where asking throws (a Proxy whose getPrototypeOf trap throws). */
export function isErrorObject(value: unknown): value is Error {
  try {
    return value instanceof Error
  } catch {
    return false
  }
}

/**
 * A thrown value as text: an Error's message (empty when it has none or it cannot be read), a
 * string as it is, anything else as JSON or `String()` gives it, and, when even that throws, a
 * sentence saying that it cannot be read (also for a value a handler logs: ctx.log's text of it).
 */
export function thrownText(value: unknown): string {
  if (typeof value === 'string') return value
  if (isErrorObject(value)) return stringPropertyOf(value, 'message') ?? ''
  try {
    const text = typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value)
    if (typeof text === 'string') return text
  } catch {
    // a cycle, a BigInt, a toJSON that throws: String() may still say something
  }
  try {
    return String(value)
  } catch {
    return `${typeof value === 'object' ? 'an object' : `a ${typeof value}`} that cannot be read (reading it threw)`
  }
}

/** `Name: message` of an Error (as Node prints it), else `thrownText`; never throws. */
export function thrownLine(value: unknown): string {
  if (!isErrorObject(value)) return thrownText(value)
  const name = stringPropertyOf(value, 'name') ?? 'Error'
  const message = stringPropertyOf(value, 'message') ?? ''
  return message === '' ? name : `${name}: ${message}`
}
