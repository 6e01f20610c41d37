import type { Rule } from './types.ts'
import { entriesOf, isObject, walkStrings } from '../collect.ts'
import { formatReference } from '../references.ts'
import { toPointer } from '../pointer.ts'
import { TRIGGER_RULE_TABLE } from '../trigger-rules.ts'
import type { MissingOutputOutcome } from '../trigger-rules.ts'

/** A valid param name (the schema's pattern). */
const PARAM_NAME = /^[a-z][a-z0-9_]*$/

/** Params nobody reads: neither an input reference nor a `{{params.x}}` in a command template. */
export const unusedParams: Rule = ({ view, report }) => {
  const used = new Set<string>()
  for (const occ of view.refs) if (occ.ref.kind === 'param') used.add(occ.ref.name)
  const scanTemplates = (value: unknown): void =>
    walkStrings(value, [], (text) => {
      for (const m of text.matchAll(/params\.([A-Za-z_][A-Za-z0-9_]*)/g)) used.add(m[1]!)
    })
  scanTemplates(view.data.command)
  scanTemplates(view.data.targets)
  for (const [, task] of view.detailedTasks) if (task.command !== undefined) scanTemplates(task.command)
  for (const [name] of entriesOf(view.data.params))
    if (!used.has(name))
      report({ severity: 'warning', code: 'UNUSED_PARAM', pointer: toPointer(['params', name]), atKey: true,
        // A name that is no param name (INVALID_NAME) gets no reference to copy: that one would be invalid too.
        message: `Param '${name}' is declared but never used; ${PARAM_NAME.test(name) ? `pass it to a task with '\${{ params.${name} }}' or remove it` : 'remove it'}.` })
}

const OUTCOME_WORDS: Readonly<Record<MissingOutputOutcome, string>> = { failed: 'failed', skipped: 'was skipped' }

/** "failed or was skipped", "failed", "was skipped", or undefined when the trigger runs after neither. */
function toleratedOutcomes(trigger: string): string | undefined {
  if (!Object.hasOwn(TRIGGER_RULE_TABLE, trigger)) return undefined
  const tolerated = TRIGGER_RULE_TABLE[trigger as keyof typeof TRIGGER_RULE_TABLE].toleratedUpstream
  return tolerated.length === 0 ? undefined : tolerated.map((o) => OUTCOME_WORDS[o]).join(' or ')
}

/** Data inputs from an upstream whose failure the task's trigger rule tolerates: the input may be missing. */
export const toleratedFailureInputs: Rule = ({ view, report }) => {
  const defaults = isObject(view.data.defaults) ? view.data.defaults : {}
  for (const occ of view.refs) {
    if (occ.ref.kind !== 'output' && occ.ref.kind !== 'value') continue
    const task = view.tasks.get(occ.taskId)
    if (!task || !view.tasks.has(occ.ref.taskId)) continue
    const trigger = typeof task.trigger === 'string' ? task.trigger : typeof defaults.trigger === 'string' ? defaults.trigger : 'all_success'
    const when = toleratedOutcomes(trigger)
    if (!when) continue
    report({ severity: 'warning', code: 'TOLERATED_FAILURE_INPUT', pointer: occ.pointer, span: occ.span,
      message: `Task '${occ.taskId}' reads '${formatReference(occ.ref)}', but its trigger '${trigger}' also runs it when '${occ.ref.taskId}' ${when}, leaving this input without a value; handle a missing input in the handler, or use 'needs' if the task does not need the data.` })
  }
}
