/**
 * What a reference path passes (`${{ tasks.x.output.a.b }}`, `${{ item.a.b }}`, a foreach list):
 * each step reads an own property of a JSON object. Where the value has no such field (it is
 * missing, null, a string, a number or an array: `.length` is not a field) the path passes nothing,
 * as docs/spec.md says and the generated `At<T, P>` type says; `spec validate` refuses the paths a
 * declared schema rules out (src/spec/schema-fields.ts).
 */
export function readFieldPath(value: unknown, path: readonly string[]): unknown {
  let current = value
  for (const key of path) {
    // Own properties only: `constructor` or `__proto__` never reach Object.prototype (issue 15).
    if (current === null || typeof current !== 'object' || Array.isArray(current) || !Object.hasOwn(current, key)) return undefined
    current = (current as Record<string, unknown>)[key]
  }
  return current
}
