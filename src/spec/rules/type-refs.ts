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
  for (const [id, task] of view.detailedTasks) {
    if (task.output !== undefined) visit(task.output, ['tasks', id, 'output'])
    if (task.values !== undefined) visit(task.values, ['tasks', id, 'values'])
  }
}
