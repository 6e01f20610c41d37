import type { Rule } from './types.ts'
import { entriesOf, isObject } from '../collect.ts'
import { suggestFix } from '../did-you-mean.ts'
import { toPointer } from '../pointer.ts'

const TYPE_REF = /^#\/types\/([^/]+)$/

/** `$ref`s in params, types, outputs and values must name an entry of `types:`. */
export const typeRefs: Rule = ({ view, report }) => {
  const types = new Set(entriesOf(view.data.types).map(([name]) => name))
  const visit = (node: unknown, path: (string | number)[]): void => {
    if (Array.isArray(node)) return node.forEach((item, i) => visit(item, [...path, i]))
    if (!isObject(node)) return
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') checkRef(value, [...path, key])
      else visit(value, [...path, key])
    }
  }
  const checkRef = (ref: string, path: (string | number)[]): void => {
    const pointer = toPointer(path)
    const match = TYPE_REF.exec(ref)
    if (!match) {
      report({ code: 'UNKNOWN_TYPE', pointer, message: `'$ref: ${ref}' is not a reference to a shared type; write '#/types/<Name>' and declare the type under 'types:'.` })
      return
    }
    const name = match[1]!
    if (!types.has(name))
      report({ code: 'UNKNOWN_TYPE', pointer, message: `'$ref' names unknown type '${name}'${suggestFix(name, types, 'declared types', "declare it under 'types:'")}` })
  }
  visit(view.data.params, ['params'])
  visit(view.data.types, ['types'])
  reportRefCycles(view.data.types, report)
  for (const [id, task] of view.detailedTasks) {
    if (task.output !== undefined) visit(task.output, ['tasks', id, 'output'])
    if (task.values !== undefined) visit(task.values, ['tasks', id, 'values'])
  }
}

/** Keywords whose subschemas apply to the value itself (not to a part of it). */
const IN_PLACE_LISTS = ['allOf', 'anyOf', 'oneOf'] as const
const IN_PLACE_ONE = ['not', 'if', 'then', 'else'] as const

/**
 * A type that is, through `$ref`s and in-place keywords (allOf, anyOf, not, …), itself: checking a
 * value against it never ends (the run failed with "Maximum call stack size exceeded", codegen wrote
 * `type A = A`). A type that refers to itself inside a property or an item is a recursive type, and fine.
 * Reported once per cycle, at the `$ref` that closes it in the first type of the cycle.
 */
function reportRefCycles(typesNode: unknown, report: Parameters<Rule>[0]['report']): void {
  if (!isObject(typesNode)) return
  const types = typesNode
  const reported = new Set<string>()
  for (const start of Object.keys(types)) {
    if (reported.has(start)) continue
    // Depth-first through the refs reachable in place, with the path that led to each.
    const seen = new Set<string>()
    const walk = (name: string, trail: string[]): string[] | undefined => {
      if (name === start && trail.length > 0) return trail
      if (seen.has(name) || !Object.hasOwn(types, name)) return undefined
      seen.add(name)
      for (const { target, pointer } of inPlaceRefs(types[name], ['types', name])) {
        const found = walk(target, [...trail, pointer])
        if (found) return found
      }
      return undefined
    }
    const cycle = walk(start, [])
    if (!cycle) continue
    const names = cycle.map((pointer) => pointer.split('/')[2]!.replace(/~1/g, '/').replace(/~0/g, '~'))
    for (const name of names) reported.add(name)
    const loop = [...names, start].map((n) => `'${n}'`).join(' → ')
    report({ code: 'INVALID_SCHEMA', pointer: cycle[0]!, message: `Type '${start}' is defined as itself (${loop}), so no value could ever be checked against it; give it a schema of its own (a type may refer to itself inside a property or an item).` })
  }
}

/** The `#/types/X` refs of a schema that apply to the value itself, with their pointers. */
function inPlaceRefs(schema: unknown, path: (string | number)[]): { target: string; pointer: string }[] {
  if (!isObject(schema)) return []
  const out: { target: string; pointer: string }[] = []
  const ref = typeof schema.$ref === 'string' ? TYPE_REF.exec(schema.$ref) : null
  if (ref) out.push({ target: ref[1]!, pointer: toPointer([...path, '$ref']) })
  for (const key of IN_PLACE_LISTS) if (Array.isArray(schema[key])) (schema[key] as unknown[]).forEach((sub, i) => out.push(...inPlaceRefs(sub, [...path, key, i])))
  for (const key of IN_PLACE_ONE) out.push(...inPlaceRefs(schema[key], [...path, key]))
  return out
}
