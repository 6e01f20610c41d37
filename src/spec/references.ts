/**
 * `${{ … }}` expressions: finding them in strings and parsing them into references.
 * The grammar is deliberately tiny (dotted paths), so every engine can honour it identically.
 */
import { RUN_FIELDS } from './model.ts'
import type { Reference, RunField } from './model.ts'
import { listChoices } from './did-you-mean.ts'
import { isReservedKey } from './reserved-keys.ts'

/** One `${{ … }}` occurrence inside a string, with its character span in that string. */
export interface ExpressionMatch {
  readonly start: number
  readonly end: number
  readonly expression: string
}

export type ParsedExpression =
  | { readonly ok: true; readonly ref: Reference }
  | { readonly ok: false; readonly message: string }

const OPEN = '${{'
const CLOSE = '}}'

/** Finds every `${{ … }}` in a string; an unterminated one is reported with `end = -1`. */
export function findExpressions(text: string): ExpressionMatch[] {
  const found: ExpressionMatch[] = []
  let from = 0
  for (;;) {
    const start = text.indexOf(OPEN, from)
    if (start === -1) return found
    const close = text.indexOf(CLOSE, start + OPEN.length)
    if (close === -1) {
      found.push({ start, end: -1, expression: text.slice(start + OPEN.length).trim() })
      return found
    }
    found.push({ start, end: close + CLOSE.length, expression: text.slice(start + OPEN.length, close).trim() })
    from = close + CLOSE.length
  }
}

const SEGMENT = /^[A-Za-z_][A-Za-z0-9_]*$/

/** Parses the inside of `${{ … }}`. Results are kept: the same few expressions recur across specs. */
export function parseExpression(expression: string): ParsedExpression {
  let parsed = parsedExpressions.get(expression)
  if (parsed === undefined) {
    parsed = parseExpressionOnce(expression)
    if (parsedExpressions.size < 10_000) parsedExpressions.set(expression, parsed)
  }
  return parsed
}
const parsedExpressions = new Map<string, ParsedExpression>()

function parseExpressionOnce(expression: string): ParsedExpression {
  if (expression === '') return fail('The expression is empty; write e.g. ${{ tasks.extract.output }}.')
  const parts = expression.split('.')
  const bad = parts.find((p) => !SEGMENT.test(p))
  if (bad !== undefined)
    return fail(
      `'${shorten(expression)}' is not a reference; references are dotted names such as 'tasks.extract.output', 'params.threshold' or 'run.id'.`,
    )
  const reserved = parts.find(isReservedKey)
  if (reserved !== undefined)
    return fail(`'${shorten(expression)}' goes through '${reserved}', which every JavaScript object already has, so a reference cannot use it; rename the field.`)
  const [namespace, ...rest] = parts as [string, ...string[]]
  switch (namespace) {
    case 'tasks':
      return parseTaskReference(expression, rest)
    case 'params':
      if (rest.length !== 1) return fail(`'${shorten(expression)}' must name one param, as in 'params.threshold'.`)
      return { ok: true, ref: { kind: 'param', name: rest[0]! } }
    case 'run':
      if (rest.length !== 1 || !(RUN_FIELDS as readonly string[]).includes(rest[0]!))
        return fail(`'${shorten(expression)}' is not a run field; use ${listChoices(RUN_FIELDS.map((f) => `run.${f}`))}.`)
      return { ok: true, ref: { kind: 'run', field: rest[0] as RunField } }
    case 'item':
      return { ok: true, ref: { kind: 'item', path: rest } }
    case 'item_index':
      if (rest.length !== 0) return fail(`'${shorten(expression)}' reads a field of 'item_index', which is a number; write 'item_index'.`)
      return { ok: true, ref: { kind: 'item_index' } }
    default:
      return fail(`'${shorten(namespace)}' is not a reference namespace in '${shorten(expression)}'; use 'tasks', 'params', 'run', 'item' or 'item_index'.`)
  }
}

function parseTaskReference(expression: string, rest: string[]): ParsedExpression {
  const [taskId, what, ...path] = rest
  if (taskId === undefined || what === undefined)
    return fail(`'${shorten(expression)}' is incomplete; write 'tasks.<id>.output' or 'tasks.<id>.values.<name>'.`)
  if (what === 'output') return { ok: true, ref: { kind: 'output', taskId, path } }
  if (what === 'values') {
    if (path.length !== 1) return fail(`'${shorten(expression)}' must name one value, as in 'tasks.${taskId}.values.row_count'.`)
    return { ok: true, ref: { kind: 'value', taskId, name: path[0]! } }
  }
  return fail(`'${what}' is not a task field in '${shorten(expression)}'; use 'tasks.${taskId}.output' or 'tasks.${taskId}.values.<name>'.`)
}

function fail(message: string): ParsedExpression {
  return { ok: false, message }
}

/** The user's text for a message, cut short when it is long. */
function shorten(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}...` : text
}

/** Renders a reference back to its expression text, for messages and generated code. */
export function formatReference(ref: Reference): string {
  switch (ref.kind) {
    case 'output':
      return ['tasks', ref.taskId, 'output', ...ref.path].join('.')
    case 'value':
      return `tasks.${ref.taskId}.values.${ref.name}`
    case 'param':
      return `params.${ref.name}`
    case 'run':
      return `run.${ref.field}`
    case 'item':
      return ['item', ...ref.path].join('.')
    case 'item_index':
      return 'item_index'
  }
}
