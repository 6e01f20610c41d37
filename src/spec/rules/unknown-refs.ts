import type { Rule } from './types.ts'
import { suggestFix } from '../did-you-mean.ts'
import { formatReference } from '../references.ts'
import { forEachNeed, isObject, needPointer } from '../collect.ts'
import type { SpecView } from '../collect.ts'

/** References and `needs` entries that name tasks, params or values that do not exist. */
export const unknownRefs: Rule = ({ view, report }) => {
  for (const occ of view.refs) {
    const where = occ.site === 'foreach' ? `the foreach of task '${occ.taskId}'` : `input '${occ.input}' of task '${occ.taskId}'`
    const { ref } = occ
    if (ref.kind === 'param') {
      if (!view.params.has(ref.name))
        report({ code: 'UNKNOWN_PARAM', pointer: occ.pointer, span: occ.span,
          message: `${capitalize(where)} refers to unknown param '${ref.name}'${suggestFix(ref.name, view.params, 'declared params', "declare it under 'params:'")}` })
      continue
    }
    if (ref.kind === 'run' || ref.kind === 'item' || ref.kind === 'item_index') continue // item refs: rules/foreach.ts
    if (ref.taskId === occ.taskId) {
      report({ code: 'SELF_DEPENDENCY', pointer: occ.pointer, span: occ.span,
        message: `${capitalize(where)} refers to its own task in '${formatReference(ref)}'; a task cannot read its own output or values.` })
      continue
    }
    const upstream = view.tasks.get(ref.taskId)
    if (!upstream) {
      report({ code: 'UNKNOWN_TASK', pointer: occ.pointer, span: occ.span,
        message: `${capitalize(where)} refers to unknown task '${ref.taskId}'${suggestFix(ref.taskId, otherTasks(view, occ.taskId), 'other tasks', "declare it under 'tasks:'")}` })
      continue
    }
    if (ref.kind === 'value') {
      const declared = Object.keys(isObject(upstream.values) ? upstream.values : {})
      if (!declared.includes(ref.name))
        report({ code: 'UNKNOWN_VALUE', pointer: occ.pointer, span: occ.span,
          message: `${capitalize(where)} reads value '${ref.name}' that task '${ref.taskId}' does not declare${suggestFix(ref.name, declared, 'its values', `declare it under 'values:' of task '${ref.taskId}'`)}` })
    } else if (ref.path.length > 0 && isObject(upstream.output) && upstream.output.type === 'table') {
      report({ code: 'OUTPUT_PATH_ON_TABLE', pointer: occ.pointer, span: occ.span,
        message: `${capitalize(where)} reads '${ref.path.join('.')}' inside the table output of task '${ref.taskId}'; pass the whole table with 'tasks.${ref.taskId}.output'.` })
    }
  }
  forEachNeed(view.needs, (taskId, needed, index) => {
    if (needed === taskId)
      report({ code: 'SELF_DEPENDENCY', pointer: needPointer(taskId, index), message: `Task '${taskId}' lists itself in 'needs'; remove it.` })
    else if (!view.tasks.has(needed))
      report({ code: 'UNKNOWN_TASK', pointer: needPointer(taskId, index),
        message: `Task '${taskId}' needs unknown task '${needed}'${suggestFix(needed, otherTasks(view, taskId), 'other tasks', "declare it under 'tasks:'")}` })
  })
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}

/** The tasks a task could depend on, for a did-you-mean: never itself, which would be a cycle of one. */
function otherTasks(view: SpecView, taskId: string): string[] {
  return [...view.tasks.keys()].filter((id) => id !== taskId)
}
