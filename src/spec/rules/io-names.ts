import type { Rule } from './types.ts'
import { entriesOf, isObject } from '../collect.ts'
import { suggestFix } from '../did-you-mean.ts'
import { checkAgainstSchema } from '../json-schema.ts'
import { problemSentence } from '../schema-problem.ts'
import { toPointer } from '../pointer.ts'
import { findNul } from '../nul-char.ts'

/** `io:` references, IoManager types, and each IoManager's config against its plugin's schema. */
export const ioNames: Rule = async ({ view, plugins, report }) => {
  const declared = new Set(entriesOf(view.data.io).map(([name]) => name))
  declared.add('default') // always exists: `fs` unless overridden
  const used = new Set<string>(['default'])
  const checkName = (name: unknown, pointer: string, owner: string): void => {
    if (typeof name !== 'string') return
    used.add(name)
    if (!declared.has(name))
      report({ code: 'UNKNOWN_IO', pointer, message: `${owner} names IoManager '${name}', which is not declared under 'io:'${suggestFix(name, declared, 'declared IoManagers', "declare it under 'io:'")}` })
  }
  if (isObject(view.data.defaults)) checkName(view.data.defaults.io, '/defaults/io', "'defaults.io'")
  for (const [id, task] of view.detailedTasks) if (task.io !== undefined) checkName(task.io, toPointer(['tasks', id, 'io']), `Task '${id}'`)

  for (const [name, decl] of entriesOf(view.data.io)) {
    if (!isObject(decl) || typeof decl.type !== 'string') continue
    const pointer = toPointer(['io', name])
    const schema = plugins.io.get(decl.type)
    if (schema === undefined) {
      report({ code: 'UNKNOWN_IO_TYPE', pointer: `${pointer}/type`,
        message: `IoManager '${name}' has unknown type '${decl.type}'${suggestFix(decl.type, plugins.io.keys(), 'known types', 'no IoManager plugins are installed')}` })
      continue
    }
    const { type: _type, ...config } = decl
    for (const problem of await checkAgainstSchema(config, schema))
      report({ code: 'IO_CONFIG', pointer: `${pointer}${problem.pointer}`, atKey: problem.unknownKey !== undefined || problem.pointer === '',
        message: problemSentence(`IoManager '${name}' (type '${decl.type}')`, problem) })
    // A folder, bucket or prefix with U+0000 names nothing: an fs root with one failed each task with a misleading IO_READ_FAILED.
    const nul = findNul(config)
    if (nul !== undefined)
      report({ code: 'IO_CONFIG', pointer: `${pointer}${nul}`, message: `IoManager '${name}' (type '${decl.type}') holds a NUL character (U+0000)${nul === '' ? '' : ` at '${nul}'`}; no folder, bucket or prefix can hold one, so remove it.` })
    if (!used.has(name) && name !== 'default')
      report({ severity: 'warning', code: 'UNUSED_IO', pointer, atKey: true, message: `IoManager '${name}' is declared but no task uses it; set 'io: ${name}' on a task or remove it.` })
  }
}
