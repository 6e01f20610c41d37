/**
 * Task values: small named results (`ctx.values.set('row_count', 42)`) that downstream tasks read as
 * `${{ tasks.x.values.row_count }}`. Like Databricks task values they are for small data: each is
 * checked against its declared schema and refused above 48 KB; large data belongs in the output.
 */
import type { Task } from '../spec/model.ts'
import type { SchemaCheck } from './compile-check.ts'
import { WeirError } from './errors.ts'
import { findNonFinite } from '../spec/non-finite.ts'

/** Largest serialised size of one task value (Databricks' limit). */
export const MAX_VALUE_BYTES = 48 * 1024

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
        throw new WeirError(
          'VALUE_UNDECLARED',
          `Task '${task.id}' sets value '${name}', which it does not declare; add it under tasks.${task.id}.values${declared.length ? ` (declared: ${declared.join(', ')})` : ''}.`,
        )
      }
      // JSON.stringify would store NaN and Infinity as null, without a word.
      const nonFinite = findNonFinite(value)
      if (nonFinite !== undefined)
        throw new WeirError('VALUE_INVALID', `Task value '${name}' of task '${task.id}' holds a number that is not finite${nonFinite === '' ? '' : ` at '${nonFinite}'`}; values are JSON, which has no NaN or Infinity.`)
      const json = JSON.stringify(value)
      if (json === undefined) throw new WeirError('VALUE_INVALID', `Task value '${name}' of task '${task.id}' is not JSON-serialisable.`)
      const bytes = Buffer.byteLength(json)
      if (bytes > MAX_VALUE_BYTES)
        throw new WeirError(
          'VALUE_TOO_LARGE',
          `Task value '${name}' of task '${task.id}' is ${Math.ceil(bytes / 1024)} KB, above the 48 KB limit; return large data as the task's output (stored by its IoManager) instead.`,
        )
      const problems = checks.get(name)?.(value) ?? []
      if (problems.length > 0)
        throw new WeirError('VALUE_INVALID', `Task value '${name}' of task '${task.id}' does not match its schema: ${problems.join('; ')}.`)
      own[name] = JSON.parse(json) as unknown
    },
    get(taskId, name) {
      if (taskId === task.id) return own[name]
      return upstream[taskId]?.[name]
    },
  }
}
