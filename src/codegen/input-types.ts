/**
 * The TypeScript type of each input binding: what the runtime passes the handler for it
 * (src/runtime/resolve-inputs.ts is the other half of this contract).
 */
import type { InputBinding, Pipeline, Reference, RunField, Task } from '../spec/model.ts'
import { TRIGGER_RULE_TABLE, toleratesMissingUpstream } from '../spec/trigger-rules.ts'
import type { TypeNames } from './type-names.ts'

/** `run.*` fields: `scheduled_at` is null outside scheduled runs. */
const RUN_FIELD_TYPES: Readonly<Record<RunField, string>> = {
  id: 'string',
  pipeline: 'string',
  scheduled_at: 'string | null',
  trigger: 'string',
}

/**
 * Whether a task can run while the output (or, of a mapped upstream, the values list) of `upstream`
 * is missing: its trigger runs it after a failed or skipped upstream, or the upstream is a failure
 * handler (excluded, it counts as succeeded but produces nothing).
 */
function mayLackOutputOf(pipeline: Pipeline, task: Task, upstream: string): boolean {
  const producer = pipeline.tasks.get(upstream)
  return toleratesMissingUpstream(task.trigger) || (producer !== undefined && TRIGGER_RULE_TABLE[producer.trigger].isFailureHandler)
}

/** Whether `name` can be written as a bare property name. */
export function isIdentifier(name: string): boolean {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name)
}

/** A property name, quoted when it is not an identifier. */
export function propertyName(name: string): string {
  return isIdentifier(name) ? name : JSON.stringify(name)
}

/** The type of one binding of `task`'s inputs. */
export function bindingType(binding: InputBinding, pipeline: Pipeline, task: Task, names: TypeNames): string {
  switch (binding.kind) {
    case 'literal':
      return literalType(binding.value)
    case 'ref':
      return referenceType(binding.ref, pipeline, task, names, binding.concat === true)
    case 'template':
      return 'string'
    case 'object': {
      const entries = Object.entries(binding.entries).map(([k, b]) => `${propertyName(k)}: ${bindingType(b, pipeline, task, names)}`)
      return entries.length === 0 ? 'Record<string, never>' : `{ ${entries.join('; ')} }`
    }
    case 'array':
      return `[${binding.items.map((b) => bindingType(b, pipeline, task, names)).join(', ')}]`
  }
}

/** `concat`: the input is named in the task's `concat:` (one table instead of the list of item tables). */
function referenceType(ref: Reference, pipeline: Pipeline, task: Task, names: TypeNames, concat = false): string {
  switch (ref.kind) {
    case 'output': {
      const output = names.tasks.get(ref.taskId)?.output
      if (output === undefined) return 'unknown'
      const lacks = mayLackOutputOf(pipeline, task, ref.taskId)
      // Fan-in: a mapped upstream's output is the list of its item outputs, in item order; after a
      // tolerated failure, the items that failed have none.
      if (pipeline.tasks.get(ref.taskId)?.foreach !== undefined) {
        // `concat:`: one table of every item's rows (failed items add none); absent only when the whole map is.
        if (concat) return lacks ? `${output} | undefined` : output
        return lacks ? `(${output} | undefined)[] | undefined` : `${output}[]`
      }
      const type = ref.path.length === 0 ? output : `At<${output}, [${ref.path.map((p) => JSON.stringify(p)).join(', ')}]>`
      return lacks ? `${type} | undefined` : type
    }
    case 'value': {
      const values = names.tasks.get(ref.taskId)?.values
      if (values === undefined) return 'unknown'
      const value = `${values}[${JSON.stringify(ref.name)}]`
      // A value the upstream did not set arrives as undefined.
      if (pipeline.tasks.get(ref.taskId)?.foreach === undefined) return `${value} | undefined`
      // Fan-in: a mapped upstream's values arrive as a list, null for an item that set none (or
      // failed); the list is missing when the whole map is (it was skipped, or its list failed),
      // which only a task whose trigger tolerates that sees, as for its output.
      const list = `(${value} | null)[]`
      return mayLackOutputOf(pipeline, task, ref.taskId) ? `${list} | undefined` : list
    }
    case 'param':
      return `Params[${JSON.stringify(ref.name)}]`
    case 'run':
      return RUN_FIELD_TYPES[ref.field]
    case 'item': {
      const item = itemType(pipeline, task, names)
      return ref.path.length === 0 ? item : `At<${item}, [${ref.path.map((p) => JSON.stringify(p)).join(', ')}]>`
    }
    case 'item_index':
      return 'number'
  }
}

/**
 * The type of one item of a mapped task: the element type of its foreach list (`ItemOf<…>`), which
 * comes from the list's declared schema (`items`). Outside a mapped task: unknown (validation refuses it).
 */
export function itemType(pipeline: Pipeline, task: Task, names: TypeNames): string {
  const source = task.foreach?.source
  if (source === undefined) return 'unknown'
  if (source.kind === 'literal') {
    const list = literalType(source.value)
    return list === 'unknown[]' ? 'never' : `ItemOf<${list}>`
  }
  return `ItemOf<${referenceType(source.ref, pipeline, task, names)}>`
}

/** Literals are typed by their JSON kind (`10` → number), as a handler would declare them. */
export function literalType(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) {
    const items = [...new Set(value.map(literalType))]
    if (items.length === 0) return 'unknown[]'
    return items.length === 1 && !items[0]!.includes(' ') ? `${items[0]}[]` : `(${items.join(' | ')})[]`
  }
  switch (typeof value) {
    case 'string':
      return 'string'
    case 'number':
      return 'number'
    case 'boolean':
      return 'boolean'
    case 'object': {
      const entries = Object.entries(value as Record<string, unknown>).map(([k, v]) => `${propertyName(k)}: ${literalType(v)}`)
      return entries.length === 0 ? 'Record<string, never>' : `{ ${entries.join('; ')} }`
    }
    default:
      return 'unknown'
  }
}

/** Whether any input of the pipeline reads a path inside an output or an item (the file then needs `At`). */
export function usesOutputPaths(pipeline: Pipeline): boolean {
  const visit = (b: InputBinding): boolean => {
    switch (b.kind) {
      case 'ref':
        return (b.ref.kind === 'output' || b.ref.kind === 'item') && b.ref.path.length > 0
      case 'template':
      case 'literal':
        return false
      case 'object':
        return Object.values(b.entries).some(visit)
      case 'array':
        return b.items.some(visit)
    }
  }
  return [...pipeline.tasks.values()].some((t) => Object.values(t.inputs).some(visit))
}

/** Whether the pipeline has a mapped task (the file then needs `ItemOf`). */
export function hasMappedTasks(pipeline: Pipeline): boolean {
  return [...pipeline.tasks.values()].some((t) => t.foreach !== undefined)
}
