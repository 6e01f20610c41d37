import type { Rule } from './types.ts'
import type { ForeachOccurrence, RawObject, RefOccurrence, SpecView } from '../collect.ts'
import { isObject } from '../collect.ts'
import { declaredKind, fieldSchemaAt, findMissingField, formatFields, resolveTypeRef } from '../schema-fields.ts'
import { findExpressions, formatReference, parseExpression } from '../references.ts'
import { describeJsonValue } from '../schema-problem.ts'

/**
 * Mapped tasks (`foreach:`, docs/fan-out.md): the list must be an array, `${{ item }}` and
 * `${{ item_index }}` only mean something inside a mapped task, `${{ item.<field> }}` must name a
 * field of the declared item type, and a mapped task's output is read whole (a list), not by path.
 */
export const foreachRule: Rule = ({ view, report }) => {
  for (const occ of view.foreach.values()) checkList(view, occ, report)
  for (const occ of view.refs) {
    const { ref } = occ
    if (ref.kind === 'item' || ref.kind === 'item_index') {
      const mapped = view.foreach.has(occ.taskId)
      if (occ.site === 'foreach')
        report({ code: 'ITEM_OUTSIDE_MAP', pointer: occ.pointer, span: occ.span,
          message: `The foreach of task '${occ.taskId}' refers to '${formatReference(ref)}'; the list cannot name its own items: use 'tasks.<id>.output', 'tasks.<id>.values.<name>', 'params.<name>' or a literal list.` })
      else if (!mapped && view.tasks.get(occ.taskId)?.foreach === undefined)
        report({ code: 'ITEM_OUTSIDE_MAP', pointer: occ.pointer, span: occ.span,
          message: `Input '${occ.input}' of task '${occ.taskId}' refers to '${formatReference(ref)}', but task '${occ.taskId}' has no 'foreach'; add 'foreach: \${{ tasks.<id>.output }}' to map it over a list, or pass a value.` })
      else if (ref.kind === 'item' && ref.path.length > 0 && mapped) checkItemField(view, view.foreach.get(occ.taskId)!, occ, ref.path, report)
      continue
    }
    if (ref.kind === 'output' && ref.path.length > 0 && occ.site === 'input' && view.tasks.get(ref.taskId)?.foreach !== undefined)
      report({ code: 'MAP_OUTPUT_PATH', pointer: occ.pointer, span: occ.span,
        message: `Input '${occ.input}' of task '${occ.taskId}' reads '${ref.path.join('.')}' inside the output of mapped task '${ref.taskId}', which is a list of item outputs; pass 'tasks.${ref.taskId}.output' and read the field from each element.` })
  }
}

type Report = Parameters<Rule>[0]['report']

/**
 * A literal list is used as written (docs/fan-out.md), so `${{ item }}` in one of its elements
 * would reach the items as that text: refused, as in a reference list.
 */
function checkLiteralList(occ: ForeachOccurrence, list: readonly unknown[], report: Report): void {
  const visit = (value: unknown, segments: string[], depth: number): void => {
    if (typeof value === 'string') {
      if (!value.includes('${{')) return
      for (const match of findExpressions(value)) {
        const parsed = match.end === -1 ? undefined : parseExpression(match.expression)
        if (!parsed?.ok || (parsed.ref.kind !== 'item' && parsed.ref.kind !== 'item_index')) continue
        report({ code: 'ITEM_OUTSIDE_MAP', pointer: `${occ.pointer}/${segments.map(escapePointer).join('/')}`, span: { start: match.start, end: match.end },
          message: `The foreach of task '${occ.taskId}' lists '\${{ ${formatReference(parsed.ref)} }}'; a literal list is used as written and cannot name its own items: write the values out.` })
      }
    } else if (depth < 32 && Array.isArray(value)) value.forEach((v, i) => visit(v, [...segments, String(i)], depth + 1))
    else if (depth < 32 && isObject(value)) for (const [k, v] of Object.entries(value)) visit(v, [...segments, k], depth + 1)
  }
  list.forEach((value, i) => visit(value, [String(i)], 0))
}

const escapePointer = (segment: string): string => segment.replace(/~/g, '~0').replace(/\//g, '~1')

/** The foreach list is an array: a literal list, or a reference whose declared type is an array. */
function checkList(view: SpecView, occ: ForeachOccurrence, report: Report): void {
  const { list } = occ
  const where = `The foreach of task '${occ.taskId}'`
  if (list.kind === 'literal') return checkLiteralList(occ, list.value, report)
  if (list.kind === 'other') {
    report({ code: 'FOREACH_NOT_ARRAY', pointer: occ.pointer,
      message: `${where} is ${describeJsonValue(list.value)}, not a list; write '\${{ tasks.<id>.output }}', '\${{ params.<name> }}' or a YAML list.` })
    return
  }
  const { occurrence } = list
  const { ref } = occurrence
  if (!occurrence.whole) {
    report({ code: 'FOREACH_NOT_ARRAY', pointer: occ.pointer, span: occurrence.span,
      message: `${where} has text around '\${{ ${formatReference(ref)} }}', which makes it a string, not a list; write the reference alone.` })
    return
  }
  if (ref.kind === 'run') {
    report({ code: 'FOREACH_NOT_ARRAY', pointer: occ.pointer, span: occurrence.span,
      message: `${where} is 'run.${ref.field}', which is a string, not a list; map over 'tasks.<id>.output', 'params.<name>' or a YAML list.` })
    return
  }
  if (ref.kind === 'item' || ref.kind === 'item_index') return // ITEM_OUTSIDE_MAP
  if (ref.kind === 'output' && view.tasks.get(ref.taskId)?.foreach !== undefined && ref.path.length > 0) {
    report({ code: 'MAP_OUTPUT_PATH', pointer: occ.pointer, span: occurrence.span,
      message: `${where} reads '${ref.path.join('.')}' inside the output of mapped task '${ref.taskId}'; map over 'tasks.${ref.taskId}.output' (item by item) and read the field with '\${{ item.${ref.path.join('.')} }}'.` })
    return
  }
  const declared = listSchemaOf(view, occurrence)
  if (declared.kind === 'table') {
    report({ code: 'FOREACH_NOT_ARRAY', pointer: occ.pointer, span: occurrence.span,
      message: `${where} is the table output of task '${declared.taskId}', not a list; return an array (for example of partition keys) from a task and map over that.` })
    return
  }
  if (declared.kind !== 'schema') return
  const kind = declaredKind(typesOf(view), declared.schema)
  if (kind !== undefined && kind !== 'array')
    report({ code: 'FOREACH_NOT_ARRAY', pointer: occ.pointer, span: occurrence.span,
      message: `${where} is '${formatReference(ref)}', whose declared type is '${kind}', not 'array'; map over a list, or declare the schema as '{ type: array, items: … }'.` })
}

type ListSchema =
  | { readonly kind: 'schema'; readonly schema: unknown }
  | { readonly kind: 'table'; readonly taskId: string }
  | { readonly kind: 'unknown' }

/** The declared schema of what a foreach reference reads (before taking its items). */
function listSchemaOf(view: SpecView, occ: RefOccurrence): ListSchema {
  const { ref } = occ
  if (ref.kind === 'param') {
    const params = isObject(view.data.params) ? view.data.params : {}
    return Object.hasOwn(params, ref.name) ? { kind: 'schema', schema: params[ref.name] } : { kind: 'unknown' }
  }
  if (ref.kind !== 'output' && ref.kind !== 'value') return { kind: 'unknown' }
  const upstream = view.tasks.get(ref.taskId)
  if (!upstream) return { kind: 'unknown' }
  if (ref.kind === 'value') {
    const values = isObject(upstream.values) ? upstream.values : {}
    if (!Object.hasOwn(values, ref.name)) return { kind: 'unknown' }
    // A mapped task's value arrives as the list of each item's value.
    return upstream.foreach !== undefined ? { kind: 'schema', schema: { type: 'array', items: values[ref.name] } } : { kind: 'schema', schema: values[ref.name] }
  }
  // A mapped upstream's output is the list of its item outputs: map → map runs item by item.
  if (upstream.foreach !== undefined) return { kind: 'schema', schema: { type: 'array', items: upstream.output ?? true } }
  if (isObject(upstream.output) && upstream.output.type === 'table') return { kind: 'table', taskId: ref.taskId }
  if (upstream.output === undefined) return { kind: 'unknown' }
  // A field the schema rules out is reported by rules/output-fields.ts.
  const schema = fieldSchemaAt(typesOf(view), upstream.output, ref.path)
  return schema === undefined ? { kind: 'unknown' } : { kind: 'schema', schema }
}

/** `${{ item.a.b }}`: each step must be a field the item type may have (src/spec/schema-fields.ts). */
function checkItemField(view: SpecView, foreach: ForeachOccurrence, occ: RefOccurrence, path: readonly string[], report: Report): void {
  const problem = findMissingField(typesOf(view), itemSchemaOf(view, foreach), path)
  if (problem === undefined) return
  const { index, lookup } = problem
  const written = ['item', ...path].join('.')
  const shown = ['item', ...path.slice(0, index)].join('.')
  const subject = index === 0 ? 'the items of its foreach list declare' : `'${shown}' declares`
  report({ code: 'ITEM_FIELD_UNKNOWN', pointer: occ.pointer, span: occ.span,
    message: lookup.kind === 'not-object'
      ? `Input '${occ.input}' of task '${occ.taskId}' reads '${written}', but '${shown}' is declared as '${lookup.declared}', which has no fields; use '\${{ ${shown} }}'.`
      : `Input '${occ.input}' of task '${occ.taskId}' reads '${written}', but ${subject} no field '${path[index]}' (${formatFields(lookup.fields)}); fix the name or declare the field.` })
}

/** The declared schema of one item of a foreach list, when the list declares one. */
function itemSchemaOf(view: SpecView, foreach: ForeachOccurrence): unknown {
  if (foreach.list.kind !== 'ref') return undefined
  const declared = listSchemaOf(view, foreach.list.occurrence)
  if (declared.kind !== 'schema') return undefined
  const list = resolveTypeRef(typesOf(view), declared.schema)
  return isObject(list) && (isObject(list.items) || typeof list.items === 'boolean') ? list.items : undefined
}

/** The spec's `types:`, where `$ref: "#/types/<Name>"` leads. */
function typesOf(view: SpecView): RawObject {
  return isObject(view.data.types) ? view.data.types : {}
}
