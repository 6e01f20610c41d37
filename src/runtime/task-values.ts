/**
 * Task values: small named results (`ctx.values.set('row_count', 42)`) that downstream tasks read as
 * `${{ tasks.x.values.row_count }}`. Like Databricks task values they are for small data: each is
 * checked against its declared schema and refused above 48 KB; large data belongs in the output.
 */
import type { Pipeline, Task } from '../spec/model.ts'
import { compileCheck, type SchemaCheck } from './compile-check.ts'
import { WeirError } from './errors.ts'
import { jsonForm, type NonJson } from '../spec/json-form.ts'
import { toPointer } from '../spec/pointer.ts'

/** Largest serialised size of one task value (Databricks' limit). */
export const MAX_VALUE_BYTES = 48 * 1024

/**
 * The errors `ctx.values.set` threw: weir's verdict on a value, which fails the same way on every
 * try. Only these are final; a handler's own error whose code merely starts with `VALUE_` (its
 * `VALUE_STALE`) is an ordinary handler error, retried (docs/running.md#runtime-error-codes).
 */
const refusals = new WeakSet<object>()

/** Whether `error` is a refusal of `ctx.values.set` (kept through a handler that rethrows it). */
export function isValueRefusal(error: unknown): boolean {
  return typeof error === 'object' && error !== null && refusals.has(error)
}

/** `ctx.values` as handlers see it. */
export interface TaskValues {
  set(name: string, value: unknown): void
  get(taskId: string, name: string): unknown
}

/** Creates `ctx.values` for one attempt; `set` validates at once, so the handler's stack shows the call. */
export function createTaskValues(
  task: Task,
  checks: ReadonlyMap<string, SchemaCheck>,
  upstream: Readonly<Record<string, Readonly<Record<string, unknown>>>>,
  own: Record<string, unknown>,
): TaskValues {
  return {
    set(name, value) {
      if (!Object.hasOwn(task.values, name)) {
        const declared = Object.keys(task.values)
        throw refusal(
          'VALUE_UNDECLARED',
          `Task '${task.id}' sets value '${name}', which it does not declare; add it under tasks.${task.id}.values${declared.length ? ` (declared: ${declared.join(', ')})` : ''}.`,
        )
      }
      // Judged and kept in the form it is stored in and later tasks read (spec/json-form.ts): JSON
      // would store NaN as null and a Map as {}, drop a function, and throw on a BigInt, without a word.
      const form = jsonForm(value, { strict: true })
      if (form.nonJson !== undefined) throw refusal('VALUE_INVALID', notJson(`Task value '${name}' of task '${task.id}'`, form.nonJson))
      const json = JSON.stringify(form.value)
      const bytes = Buffer.byteLength(json)
      if (bytes > MAX_VALUE_BYTES)
        throw refusal(
          'VALUE_TOO_LARGE',
          `Task value '${name}' of task '${task.id}' is ${Math.ceil(bytes / 1024)} KB, above the 48 KB limit; return large data as the task's output (stored by its IoManager) instead.`,
        )
      // A copy: the handler may change its own object after setting it.
      const stored = JSON.parse(json) as unknown
      const problems = checks.get(name)?.(stored) ?? []
      if (problems.length > 0)
        throw refusal('VALUE_INVALID', `Task value '${name}' of task '${task.id}' does not match its schema: ${problems.join('; ')}.`)
      own[name] = stored
    },
    get(taskId, name) {
      if (taskId === task.id) return own[name]
      return upstream[taskId]?.[name]
    },
  }
}

/** Why a value is not JSON, naming where in it (a JSON pointer, as schema problems do). */
function notJson(subject: string, part: NonJson): string {
  const at = part.path.length === 0 ? '' : ` at '${toPointer(part.path)}'`
  if (part.what === 'NaN' || part.what.endsWith('Infinity')) return `${subject} holds a number that is not finite${at}; values are JSON, which has no NaN or Infinity.`
  const where = part.path.length === 0 ? `is ${part.what}` : `holds ${part.what}${at}`
  return `${subject} ${where}, which JSON cannot hold${part.hint === undefined ? '' : ` (${part.hint})`}; values must be JSON.`
}

/** A refusal of `ctx.values.set`, known as weir's (`isValueRefusal`). */
function refusal(code: 'VALUE_UNDECLARED' | 'VALUE_INVALID' | 'VALUE_TOO_LARGE', message: string): WeirError {
  const error = new WeirError(code, message)
  refusals.add(error)
  return error
}

/** The checks of a task's declared values, by name. */
export async function compileValueChecks(pipeline: Pipeline, task: Task): Promise<Map<string, SchemaCheck>> {
  const checks = new Map<string, SchemaCheck>()
  for (const [name, schema] of Object.entries(task.values)) checks.set(name, await compileCheck(pipeline, schema))
  return checks
}

/**
 * Why values that did not come from the handler (a cache entry's, reused as the task's) would be
 * refused had the handler set them, or undefined when `ctx.values.set` would take every one: the
 * same checks (declared, JSON, size, schema), so a hit never hands downstream tasks what a fresh
 * run could not.
 */
export async function refusedValues(pipeline: Pipeline, task: Task, values: Readonly<Record<string, unknown>>): Promise<string | undefined> {
  const names = Object.keys(values)
  if (names.length === 0) return undefined
  const set = createTaskValues(task, await compileValueChecks(pipeline, task), {}, {}).set
  try {
    for (const name of names) set(name, values[name])
    return undefined
  } catch (error) {
    return (error as Error).message
  }
}
