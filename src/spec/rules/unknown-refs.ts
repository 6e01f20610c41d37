import type { Rule } from './types.ts'
import { closest, suggestFix, unknownNameEnding } from '../did-you-mean.ts'
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
        message: `${capitalize(where)} refers to unknown task '${ref.taskId}'${unknownTaskEnding(view, ref.taskId, occ.taskId)}` })
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
        message: `Task '${taskId}' needs unknown task '${needed}'${unknownTaskEnding(view, needed, taskId)}` })
  })
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}

/**
 * The end of an unknown-task message, with the closest other task when one is close. Never the
 * task itself, which would be a cycle of one. Each misspelt name is looked up once per spec, and
 * the lookups of one spec compare at most `SUGGESTION_BUDGET` names in all: a generated spec with
 * thousands of broken references to thousands of tasks still validates in a second, the later
 * messages listing some task names instead of guessing.
 */
function unknownTaskEnding(view: SpecView, unknown: string, taskId: string): string {
  let state = suggestions.get(view)
  if (!state) suggestions.set(view, (state = { ids: [...view.tasks.keys()], found: new Map(), budget: SUGGESTION_BUDGET }))
  const { ids, found } = state
  let close = found.has(unknown) ? found.get(unknown) : lookUp(state, unknown, ids)
  if (close === taskId) close = lookUp(state, unknown, ids.filter((id) => id !== taskId))
  if (close !== undefined) return `; did you mean '${close}'?`
  // The message lists at most 12 names: past that, 14 ids are enough to show 12 that are not the task itself.
  const others = (ids.length > 13 ? ids.slice(0, 14) : ids).filter((id) => id !== taskId)
  return unknownNameEnding(undefined, others, 'other tasks', "declare it under 'tasks:'")
}

function lookUp(state: Suggestions, unknown: string, candidates: string[]): string | undefined {
  if (state.budget <= 0) return undefined
  state.budget -= candidates.length
  const close = closest(unknown, candidates)
  if (candidates === state.ids) state.found.set(unknown, close)
  return close
}

interface Suggestions {
  readonly ids: string[]
  /** Closest task (over all of them) by misspelt name. */
  readonly found: Map<string, string | undefined>
  /** Names that may still be compared. */
  budget: number
}

const SUGGESTION_BUDGET = 2_000_000
const suggestions = new WeakMap<SpecView, Suggestions>()
