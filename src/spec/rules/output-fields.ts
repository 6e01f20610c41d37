import type { Rule } from './types.ts'
import { isObject } from '../collect.ts'
import { findMissingField, formatFields } from '../schema-fields.ts'

/**
 * `${{ tasks.x.output.a.b }}` reads fields the output of `x` may have: its declared schema must not
 * rule one out (an undeclared field of a closed object, or any field of a string, number or array:
 * a path reads properties of JSON objects only, so `.length` is not a field). Outputs without a
 * schema, tables (OUTPUT_PATH_ON_TABLE) and mapped tasks (MAP_OUTPUT_PATH) are checked elsewhere or not at all.
 */
export const outputFields: Rule = ({ view, report }) => {
  const types = isObject(view.data.types) ? view.data.types : {}
  for (const occ of view.refs) {
    const { ref } = occ
    if (ref.kind !== 'output' || ref.path.length === 0 || ref.taskId === occ.taskId) continue
    const upstream = view.tasks.get(ref.taskId)
    if (!upstream || upstream.foreach !== undefined || upstream.output === undefined) continue
    if (isObject(upstream.output) && upstream.output.type === 'table') continue
    const problem = findMissingField(types, upstream.output, ref.path)
    if (problem === undefined) continue
    const { index, lookup } = problem
    const where = occ.site === 'foreach' ? `The foreach of task '${occ.taskId}'` : `Input '${occ.input}' of task '${occ.taskId}'`
    const written = ['tasks', ref.taskId, 'output', ...ref.path].join('.')
    const parent = ['tasks', ref.taskId, 'output', ...ref.path.slice(0, index)].join('.')
    const subject = index === 0 ? `the output of task '${ref.taskId}' declares` : `'${parent}' declares`
    report({ code: 'OUTPUT_FIELD_UNKNOWN', pointer: occ.pointer, span: occ.span,
      message: lookup.kind === 'not-object'
        ? `${where} reads '${written}', but '${parent}' is declared as '${lookup.declared}', which has no fields (a reference reads properties of JSON objects only); pass '\${{ ${parent} }}' and read it in the handler.`
        : `${where} reads '${written}', but ${subject} no field '${ref.path[index]}' (${formatFields(lookup.fields)}); fix the name or declare the field.` })
  }
}
