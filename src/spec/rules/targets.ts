import type { Rule } from './types.ts'
import { entriesOf, isObject } from '../collect.ts'
import { suggestFix } from '../did-you-mean.ts'
import { checkAgainstSchema } from '../json-schema.ts'
import { problemSentence } from '../schema-problem.ts'
import { toPointer } from '../pointer.ts'

/** Each `targets.<name>` names an installed target plugin, and its settings match that plugin's config schema. */
export const targets: Rule = async ({ view, plugins, report }) => {
  // No target plugins known (a library caller passed none): nothing to check against.
  if (plugins.targets.size === 0) return
  for (const [name, config] of entriesOf(view.data.targets)) {
    const pointer = toPointer(['targets', name])
    const schema = plugins.targets.get(name)
    if (schema === undefined) {
      report({ code: 'UNKNOWN_TARGET', pointer, atKey: true,
        message: `Unknown target '${name}' under 'targets:'${suggestFix(name, plugins.targets.keys(), 'known targets', 'remove it')}` })
      continue
    }
    if (!isObject(config)) continue // the shape check reports a non-mapping
    for (const problem of await checkAgainstSchema(config, schema))
      report({ code: 'TARGET_CONFIG', pointer: pointer + problem.pointer, atKey: problem.unknownKey !== undefined || problem.pointer === '',
        message: problemSentence(`target '${name}'`, problem) })
  }
}
