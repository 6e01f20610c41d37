/**
 * Names every JavaScript object already has. As a key of an object weir builds (a task's inputs, the
 * params, the task values) `__proto__` would replace that object's prototype, and as a step of a
 * reference path any of them would reach `Object.prototype` or `Object` itself, which a handler could
 * then change for every later task. Specs may not use them there; the runtime also reads own
 * properties only.
 */
export const RESERVED_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype'])

export function isReservedKey(key: string): boolean {
  return RESERVED_KEYS.has(key)
}
