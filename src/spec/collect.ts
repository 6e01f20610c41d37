/**
 * A tolerant first pass over the raw document: the tasks, references and `needs` entries that rules
 * check. It never assumes the shape is valid, so meaning errors are reported alongside shape errors.
 */
import type { Reference } from './model.ts'
import { findExpressions, parseExpression } from './references.ts'
import { toPointer } from './pointer.ts'

export type RawObject = Record<string, unknown>

/** A reference found in a task's inputs or its `foreach`. */
export interface RefOccurrence {
  readonly taskId: string
  /** The input (top-level key of `inputs`) the reference sits in; `foreach` for the list of a mapped task. */
  readonly input: string
  /** Where the reference sits: an input, or the `foreach` list. */
  readonly site: 'input' | 'foreach'
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

/**
 * The `needs` lists of the tasks that have one, as written: `taskIds[i]`'s list is `lists[i]` (its
 * entries unchecked). A spec has tens of thousands of `needs` entries and almost never a problem
 * with one: they are walked where they sit (`forEachNeed`), with no object per entry, and an
 * entry's pointer is made only for a report (`needPointer`).
 */
export interface NeedLists {
  readonly taskIds: readonly string[]
  readonly lists: readonly (readonly unknown[])[]
}

/** Calls `visit` for each string entry of every `needs` list, in task order then list order. */
export function forEachNeed(needs: NeedLists, visit: (taskId: string, needed: string, index: number) => void): void {
  const { taskIds, lists } = needs
  for (let t = 0; t < taskIds.length; t++) {
    const list = lists[t]!
    for (let index = 0; index < list.length; index++) {
      const needed = list[index]
      if (typeof needed === 'string') visit(taskIds[t]!, needed, index)
    }
  }
}

/** The pointer of entry `index` of a task's `needs`. */
export function needPointer(taskId: string, index: number): string {
  return toPointer(['tasks', taskId, 'needs', index])
}

/** The `foreach` of a task, as written (see docs/fan-out.md). */
export interface ForeachOccurrence {
  readonly taskId: string
  /** Pointer of the list: `/tasks/<id>/foreach` or `/tasks/<id>/foreach/items`. */
  readonly pointer: string
  /** The list: one reference (also in `refs`), a literal array, or anything else (not a list). */
  readonly list:
    | { readonly kind: 'ref'; readonly occurrence: RefOccurrence }
    | { readonly kind: 'literal'; readonly value: readonly unknown[] }
    | { readonly kind: 'other'; readonly value: unknown }
}

export interface SpecView {
  readonly data: RawObject
  readonly tasks: ReadonlyMap<string, RawObject>
  /** Every key under `tasks:` as written, whatever its value (`tasks` holds only the mappings). */
  readonly taskIds: readonly string[]
  readonly params: ReadonlySet<string>
  readonly refs: readonly RefOccurrence[]
  readonly badExpressions: readonly BadExpression[]
  readonly needs: NeedLists
  /** Tasks with a `foreach`, by task id. */
  readonly foreach: ReadonlyMap<string, ForeachOccurrence>
  /**
   * The tasks (in order, as `[id, task]`) that have any of `inputs`, `output`, `values`, `io`,
   * `command` or `concat`: the rules that check those fields look only at these, instead of each
   * walking every task (most tasks of a large spec have a handler and `needs`, and nothing else).
   */
  readonly detailedTasks: readonly (readonly [string, RawObject])[]
  /**
   * False when the reader guarantees that no mapping holds a `__proto__` key (the block reader only
   * takes plain keys, and steps aside for any text with `__proto__`): the rule that looks for one
   * can skip its walk over the whole document.
   */
  readonly mayHoldProtoKey: boolean
}

export function isObject(value: unknown): value is RawObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}

const NO_ENTRIES: readonly [string, unknown][] = Object.freeze([])

/** Own entries of a mapping, or none when the value is not one. */
export function entriesOf(value: unknown): readonly [string, unknown][] {
  return isObject(value) ? Object.entries(value) : NO_ENTRIES
}

/** `knownTaskIds`: the keys of `data.tasks` in order, when the reader has them (see block-yaml.ts). */
export function collectSpecView(data: unknown, mayHoldProtoKey = true, knownTaskIds?: readonly string[]): SpecView {
  const root = isObject(data) ? data : {}
  const tasks = new Map<string, RawObject>()
  const refs: RefOccurrence[] = []
  const badExpressions: BadExpression[] = []
  const needTaskIds: string[] = []
  const needLists: unknown[][] = []
  const foreach = new Map<string, ForeachOccurrence>()
  const detailedTasks: [string, RawObject][] = []
  // One pass over the tasks: each is kept and looked into at once.
  const written = isObject(root.tasks) ? root.tasks : {}
  const taskIds = knownTaskIds ?? Object.keys(written)
  for (let t = 0; t < taskIds.length; t++) {
    const taskId = taskIds[t]!
    const task = written[taskId]
    if (!isObject(task)) continue
    tasks.set(taskId, task)
    if (task.inputs !== undefined || task.output !== undefined || task.values !== undefined || task.io !== undefined || task.command !== undefined || task.concat !== undefined)
      detailedTasks.push([taskId, task])
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
        else refs.push({ taskId, input: String(path[3]), site: 'input', pointer, ref: parsed.ref, span, whole: match.start === 0 && match.end === text.length })
      }
    })
    if (task.foreach !== undefined) {
      const occurrence = collectForeach(taskId, task.foreach, refs, badExpressions)
      if (occurrence) foreach.set(taskId, occurrence)
    }
    if (Array.isArray(task.needs) && task.needs.length > 0) {
      needTaskIds.push(taskId)
      needLists.push(task.needs)
    }
  }
  const needs: NeedLists = { taskIds: needTaskIds, lists: needLists }
  return { data: root, tasks, taskIds, params: new Set(Object.keys(isObject(root.params) ? root.params : {})), refs, badExpressions, needs, foreach, detailedTasks, mayHoldProtoKey }
}

/** The list of a `foreach` (short or object form); its reference also goes into `refs`. */
function collectForeach(taskId: string, written: unknown, refs: RefOccurrence[], badExpressions: BadExpression[]): ForeachOccurrence | undefined {
  const objectForm = isObject(written)
  if (objectForm && !('items' in written)) return undefined // a shape error (missing 'items')
  const value = objectForm ? written.items : written
  const pointer = toPointer(objectForm ? ['tasks', taskId, 'foreach', 'items'] : ['tasks', taskId, 'foreach'])
  if (Array.isArray(value)) return { taskId, pointer, list: { kind: 'literal', value } }
  if (typeof value !== 'string') return undefined // a shape error (WRONG_TYPE)
  if (!value.includes('${{')) return { taskId, pointer, list: { kind: 'other', value } }
  const matches = findExpressions(value)
  const first = matches[0]!
  const span = { start: first.start, end: first.end === -1 ? value.length : first.end }
  if (first.end === -1) {
    badExpressions.push({ pointer, span, message: `'${value.slice(first.start, first.start + 60)}' opens '\${{' without a closing '}}'; close the expression.` })
    return undefined
  }
  const parsed = parseExpression(first.expression)
  if (!parsed.ok) {
    badExpressions.push({ pointer, span, message: parsed.message })
    return undefined
  }
  const occurrence: RefOccurrence = { taskId, input: 'foreach', site: 'foreach', pointer, ref: parsed.ref, span, whole: matches.length === 1 && value.trim() === value.slice(first.start, first.end) }
  refs.push(occurrence)
  return { taskId, pointer, list: { kind: 'ref', occurrence } }
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
