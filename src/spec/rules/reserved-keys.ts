import type { Rule } from './types.ts'
import { entriesOf, isObject } from '../collect.ts'
import { toPointer } from '../pointer.ts'
import { isReservedKey } from '../reserved-keys.ts'

type Path = (string | number)[]

/**
 * `__proto__` is refused as a key anywhere; `constructor` and `prototype` where the key becomes a key
 * of an object weir builds or names something: params, types, io names and configs, task ids, inputs
 * (at any depth), values and table columns. Inside JSON Schemas and param defaults they stay data.
 */
export const reservedKeys: Rule = ({ view, report }) => {
  const flag = (key: string, path: Path, what: string) =>
    report({
      code: 'RESERVED_KEY',
      pointer: toPointer([...path, key]),
      atKey: true,
      message: `'${key}' cannot be ${what}, because every JavaScript object already has a '${key}'; rename it.`,
    })
  const names = (value: unknown, path: Path, what: string) => {
    if (isObject(value)) for (const key of Object.keys(value)) if (isReservedKey(key)) flag(key, path, what)
  }
  const { data } = view
  names(data.params, ['params'], 'a param name')
  names(data.types, ['types'], 'a type name')
  names(data.io, ['io'], 'an io name')
  for (const [name, config] of entriesOf(data.io)) names(config, ['io', name], `a key of io '${name}'`)
  // (The view has the task ids already: a spec may have tens of thousands.)
  for (const id of view.taskIds) if (isReservedKey(id)) flag(id, ['tasks'], 'a task id')
  // Only what a task has is looked at (and its paths and messages made): specs have thousands of tasks.
  for (const [id, task] of view.detailedTasks) {
    if (task.inputs !== undefined) {
      names(task.inputs, ['tasks', id, 'inputs'], `an input name of task '${id}'`)
      for (const [input, value] of entriesOf(task.inputs))
        walkKeys(value, ['tasks', id, 'inputs', input], (key, path) => {
          if (isReservedKey(key)) flag(key, path, `a key inside input '${input}' of task '${id}'`)
        })
    }
    if (task.values !== undefined) names(task.values, ['tasks', id, 'values'], `a value name of task '${id}'`)
    if (isObject(task.output)) names(task.output.columns, ['tasks', id, 'output', 'columns'], `a column name of task '${id}'`)
  }
  // Anywhere else, only `__proto__`: the parsers give it special treatment, and no spec needs it.
  // A quick look first: almost no spec has one, and this runs over every spec.
  if (view.mayHoldProtoKey && hasProtoKey(data))
    walkKeys(data, [], (key, path) => {
      if (key === '__proto__') flag(key, path, 'a key in a spec')
    })
}

function hasProtoKey(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return false
  if (!Array.isArray(value) && Object.hasOwn(value, '__proto__')) return true
  for (const item of Array.isArray(value) ? value : Object.values(value)) if (typeof item === 'object' && hasProtoKey(item)) return true
  return false
}

/**
 * Calls `visit` for every mapping key inside a value, with the path of its mapping. The path array is
 * reused while walking (this runs over every spec): copy it if you keep it.
 */
function walkKeys(value: unknown, path: Path, visit: (key: string, path: Path) => void): void {
  if (Array.isArray(value))
    for (let i = 0; i < value.length; i++) {
      path.push(i)
      walkKeys(value[i], path, visit)
      path.pop()
    }
  else if (isObject(value))
    for (const key of Object.keys(value)) {
      visit(key, path)
      path.push(key)
      walkKeys(value[key], path, visit)
      path.pop()
    }
}
