import type { Rule } from './types.ts'
import type { RawObject, SpecView } from '../collect.ts'
import { isObject } from '../collect.ts'
import { findExpressions, formatReference, parseExpression } from '../references.ts'
import { suggestFix } from '../did-you-mean.ts'
import { toPointer } from '../pointer.ts'

/**
 * `concat:` (docs/fan-out.md#one-table-concat): each name is an input that is exactly
 * `${{ tasks.<id>.output }}` of a mapped task whose output is a declared table, so the runtime can
 * hand the handler the items' rows as one table. Anything else is refused where `concat` names it.
 */
export const concatRule: Rule = ({ view, report }) => {
  for (const [taskId, task] of view.detailedTasks) {
    if (!Array.isArray(task.concat)) continue // absent, or a shape error
    const inputs = isObject(task.inputs) ? task.inputs : {}
    task.concat.forEach((name, k) => {
      if (typeof name !== 'string') return // a shape error
      const problem = checkConcatInput(view, taskId, inputs, name)
      if (problem) report({ ...problem, pointer: toPointer(['tasks', taskId, 'concat', k]) })
    })
  }
}

type Problem = { readonly code: 'CONCAT_UNKNOWN_INPUT' | 'CONCAT_NOT_FAN_IN' | 'CONCAT_NOT_MAPPED' | 'CONCAT_NOT_TABLE'; readonly message: string }

function checkConcatInput(view: SpecView, taskId: string, inputs: RawObject, name: string): Problem | undefined {
  const where = `'concat' of task '${taskId}' names input '${name}'`
  if (!Object.hasOwn(inputs, name))
    return { code: 'CONCAT_UNKNOWN_INPUT', message: `The ${where}, which the task does not have${suggestFix(name, Object.keys(inputs), 'its inputs', "add it under 'inputs:' as '${{ tasks.<id>.output }}' of a mapped task")}` }
  const value = inputs[name]
  const notFanIn = (what: string): Problem => ({
    code: 'CONCAT_NOT_FAN_IN',
    message: `The ${where}, which is ${what}; only an input that is exactly '\${{ tasks.<id>.output }}' of a mapped task can be received as one table. Remove '${name}' from 'concat'.`,
  })
  if (typeof value !== 'string') return notFanIn(Array.isArray(value) ? 'a list' : isObject(value) ? 'a mapping' : 'a literal')
  const matches = findExpressions(value)
  if (matches.length === 0) return notFanIn('a literal string')
  if (matches.length > 1 || matches[0]!.start !== 0 || matches[0]!.end !== value.length) return notFanIn('a string template')
  const parsed = parseExpression(matches[0]!.expression)
  if (!parsed.ok) return undefined // INVALID_REFERENCE
  const { ref } = parsed
  if (ref.kind === 'item') return notFanIn(`'${formatReference(ref)}', one item of this task's own list (an item of a mapped table task is one table already)`)
  if (ref.kind !== 'output') return notFanIn(`'${formatReference(ref)}', not a task output`)
  if (ref.path.length > 0) return undefined // MAP_OUTPUT_PATH or OUTPUT_PATH_ON_TABLE
  const upstream = view.tasks.get(ref.taskId)
  if (!upstream || ref.taskId === taskId) return undefined // UNKNOWN_TASK, SELF_DEPENDENCY
  if (upstream.foreach === undefined)
    return { code: 'CONCAT_NOT_MAPPED', message: `The ${where}, which reads task '${ref.taskId}', but '${ref.taskId}' is not mapped (it has no 'foreach'): its output already arrives as one value. Remove '${name}' from 'concat'.` }
  if (!isObject(upstream.output) || upstream.output.type !== 'table')
    return { code: 'CONCAT_NOT_TABLE', message: `The ${where}, which reads mapped task '${ref.taskId}', but its output is not declared as a table; declare 'output: { type: table, columns: {…} }' on '${ref.taskId}', or remove '${name}' from 'concat' to receive the list of item outputs.` }
  return undefined
}
