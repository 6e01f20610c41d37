/**
 * A tolerant first pass over the raw document: the tasks, references and `needs` entries that rules
 * check. It never assumes the shape is valid, so meaning errors are reported alongside shape errors.
 */
import type { Reference } from './model.ts'
import { findExpressions, parseExpression } from './references.ts'
import { toPointer } from './pointer.ts'

export type RawObject = Record<string, unknown>

/** A reference found in a task's inputs. */
export interface RefOccurrence {
  readonly taskId: string
  /** The input (top-level key of `inputs`) the reference sits in. */
  readonly input: string
  readonly pointer: string
  readonly ref: Reference
  /** Span of the `${{ … }}` within the string value. */
  readonly span: { readonly start: number; readonly end: number }
  /** True when the whole string is this one expression (the value keeps its type). */
  readonly whole: boolean
}

export interface BadExpression {
  readonly pointer: string
  readonly message: string
  readonly span: { readonly start: number; readonly end: number }
}

export interface NeedOccurrence {
  readonly taskId: string
  readonly pointer: string
  readonly needed: string
}

export interface SpecView {
  readonly data: RawObject
  readonly tasks: ReadonlyMap<string, RawObject>
  readonly params: ReadonlySet<string>
  readonly refs: readonly RefOccurrence[]
  readonly badExpressions: readonly BadExpression[]
  readonly needs: readonly NeedOccurrence[]
}

export function isObject(value: unknown): value is RawObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}

/** Own entries of a mapping, or none when the value is not one. */
export function entriesOf(value: unknown): [string, unknown][] {
  return isObject(value) ? Object.entries(value) : []
}

export function collectSpecView(data: unknown): SpecView {
  const root = isObject(data) ? data : {}
  const tasks = new Map<string, RawObject>()
  for (const [id, task] of entriesOf(root.tasks)) if (isObject(task)) tasks.set(id, task)
  const refs: RefOccurrence[] = []
  const badExpressions: BadExpression[] = []
  const needs: NeedOccurrence[] = []
  for (const [taskId, task] of tasks) {
    // Inputs that are not a mapping are a shape error; references inside them belong to no input.
    if (isObject(task.inputs)) walkStrings(task.inputs, ['tasks', taskId, 'inputs'], (text, path) => {
      if (!text.includes('${{')) return
      const pointer = toPointer(path)
      for (const match of findExpressions(text)) {
        const span = { start: match.start, end: match.end === -1 ? text.length : match.end }
        if (match.end === -1) {
          badExpressions.push({ pointer, span, message: `'${text.slice(match.start, match.start + 60)}${text.length - match.start > 60 ? '...' : ''}' opens '\${{' without a closing '}}'; close the expression.` })
          continue
        }
        const parsed = parseExpression(match.expression)
        if (!parsed.ok) badExpressions.push({ pointer, span, message: parsed.message })
        else refs.push({ taskId, input: String(path[3]), pointer, ref: parsed.ref, span, whole: match.start === 0 && match.end === text.length })
      }
    })
    if (Array.isArray(task.needs))
      task.needs.forEach((needed, index) => {
        if (typeof needed === 'string') needs.push({ taskId, pointer: toPointer(['tasks', taskId, 'needs', index]), needed })
      })
  }
  return { data: root, tasks, params: new Set(Object.keys(isObject(root.params) ? root.params : {})), refs, badExpressions, needs }
}

/**
 * Calls `visit` for every string inside a value (objects and arrays recursed), with its path.
 * The path array is reused while walking: copy it if you keep it.
 */
export function walkStrings(value: unknown, path: (string | number)[], visit: (text: string, path: (string | number)[]) => void): void {
  if (typeof value === 'string') visit(value, path)
  else if (Array.isArray(value))
    for (let i = 0; i < value.length; i++) {
      path.push(i)
      walkStrings(value[i], path, visit)
      path.pop()
    }
  else if (isObject(value))
    for (const key of Object.keys(value)) {
      path.push(key)
      walkStrings(value[key], path, visit)
      path.pop()
    }
}
