/**
 * Checks the document's shape against schema/pipeline.schema.json (precompiled Ajv code) and turns
 * Ajv's errors into findings a person can act on: one per problem, with the key or value to fix.
 */
import type { ErrorObject } from 'ajv'
import shapeParts from './generated/validate-pipeline-parts.cjs'
import pipelineSchema from '../../schema/pipeline.schema.json' with { type: 'json' }
import type { Finding } from './diagnostics.ts'
import { didYouMean, listChoices } from './did-you-mean.ts'
import { pointerSegments, toPointer } from './pointer.ts'
import { describeJsonValue, jsonTypeArticle } from './schema-problem.ts'
import { durationFix } from './duration.ts'

type SchemaNode = Record<string, unknown>

/**
 * Validates the data's shape; returns findings (empty when the shape is right). `taskIds`, when
 * given, are the keys of `data.tasks` in order (the block reader knows them): listing the keys of
 * a mapping of thousands of tasks again costs V8 a sort.
 */
export async function checkShape(data: unknown, taskIds?: readonly string[]): Promise<Finding[]> {
  if (hasValidShape(data, taskIds)) return []
  // The whole schema's validator, which writes every error, is loaded only for a document with a
  // problem: most runs and validations never need its code (100 KB).
  const validatePipelineShape = await loadWholeSchemaValidator()
  validatePipelineShape(data)
  return describeShapeErrors(validatePipelineShape.errors ?? [], data)
}

type WholeSchemaValidator = typeof import('./generated/validate-pipeline.cjs')

async function loadWholeSchemaValidator(): Promise<WholeSchemaValidator> {
  return ((await import('./generated/validate-pipeline.cjs')) as { default: WholeSchemaValidator }).default
}

/** A task id, as the schema's `tasks.propertyNames` says: the pattern, and at most 63 characters. */
const TASK_ID = /^[a-z][a-z0-9_]*$/
const MAX_TASK_ID_LENGTH = 63

/**
 * The whole schema's verdict, from its two parts (scripts/build-schema.mjs, splitTaskSchema): the
 * pipeline without its tasks, then what the schema says of `tasks` (at least one, each id's form)
 * and each task. Only a yes is used as is: a no is explained by the whole schema's validator.
 */
export function hasValidShape(data: unknown, taskIds?: readonly string[]): boolean {
  if (!shapeParts.frame(data)) return false
  // The frame checked that `tasks` is a mapping.
  const tasks = (data as { tasks: Record<string, unknown> }).tasks
  const ids = taskIds ?? Object.keys(tasks)
  if (ids.length === 0) return false
  const validTask = shapeParts.task
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]!
    if (id.length > MAX_TASK_ID_LENGTH || !TASK_ID.test(id) || !validTask(tasks[id])) return false
  }
  return true
}

/** Maps raw Ajv errors (allErrors mode) to findings, dropping the noise of combinators. */
export function describeShapeErrors(errors: readonly ErrorObject[], data: unknown, outerAnyOf: ReadonlySet<string> = new Set()): Finding[] {
  const findings: Finding[] = []
  const seen = new Set<string>()
  const handledAnyOf = new Set<string>()
  for (const error of errors) {
    for (const finding of [describeError(error, errors, data, handledAnyOf, outerAnyOf) ?? []].flat()) {
      // One finding per place and kind, but every missing key of a mapping (they share its pointer).
      const key = `${finding.pointer}|${finding.code}|${finding.atKey ? 1 : 0}${finding.code === 'MISSING_FIELD' ? `|${finding.message}` : ''}`
      if (seen.has(key)) continue
      seen.add(key)
      findings.push(finding)
    }
  }
  return findings
}

function describeError(
  error: ErrorObject,
  all: readonly ErrorObject[],
  data: unknown,
  handledAnyOf: Set<string>,
  outerAnyOf: ReadonlySet<string>,
): Finding | Finding[] | undefined {
  const pointer = error.instancePath
  const where = describeLocation(pointer)
  // The anyOf's own summary error adds nothing to its branches' errors.
  if (error.keyword === 'anyOf') return undefined
  // An `anyOf` branch error is reported once, by the anyOf itself.
  const anyOfParent = enclosingAnyOf(error.schemaPath, outerAnyOf)
  if (anyOfParent) {
    // Errors of one branch may sit deeper than the value the anyOf is about (retries.backoff inside
    // a retries policy): the anyOf's own error says which value that is.
    const instance = anyOfInstance(error, all, anyOfParent)
    const path = `${instance}|${anyOfParent}`
    if (handledAnyOf.has(path)) return undefined
    handledAnyOf.add(path)
    return describeAnyOf(instance, all, data, anyOfParent, outerAnyOf)
  }
  switch (error.keyword) {
    case 'if':
    case 'anyOf':
    case 'propertyNames':
      return undefined
    case 'additionalProperties': {
      const extra = String((error.params as { additionalProperty: string }).additionalProperty)
      const known = Object.keys((schemaAt(parentSchemaPath(error.schemaPath))?.properties as SchemaNode) ?? {})
      // A YAML merge key is no typo: weir reads YAML 1.2, where '<<' is an ordinary key.
      if (extra === '<<')
        return {
          code: 'UNKNOWN_KEY',
          pointer: toPointer([...pointerSegments(pointer), extra]),
          atKey: true,
          message: `YAML merge keys ('<<') are not supported ${where}; write the keys out, or put settings shared by tasks in 'defaults'.`,
        }
      const suggestion = didYouMean(extra, known)
      return {
        code: 'UNKNOWN_KEY',
        pointer: toPointer([...pointerSegments(pointer), extra]),
        atKey: true,
        message: `Unknown key '${shorten(extra)}' ${where}${suggestion || `; allowed keys are ${listChoices(known)}`}${suggestion ? '' : '.'}`,
      }
    }
    case 'required': {
      const missing = String((error.params as { missingProperty: string }).missingProperty)
      return {
        code: 'MISSING_FIELD',
        pointer,
        atKey: true,
        message: `${capitalize(pointer === '' ? 'the pipeline' : describeValue(pointer))} is missing the required key '${missing}'${hintForMissing(missing)}.`,
      }
    }
    case 'type': {
      const want = ([] as string[]).concat((error.params as { type: string | string[] }).type)
      if (want.length === 2 && want.includes('object') && want.includes('boolean'))
        return {
          code: 'WRONG_TYPE',
          pointer,
          message: `${capitalize(describeValue(pointer))} must be a JSON Schema (a mapping such as '{ type: number }'), not ${describeJsonValue(valueAt(data, pointer))}.`,
        }
      return {
        code: 'WRONG_TYPE',
        pointer,
        message: `${capitalize(describeValue(pointer))} must be ${want.map(jsonTypeArticle).join(' or ')}, not ${describeJsonValue(valueAt(data, pointer))}.`,
      }
    }
    case 'const': {
      const allowed = (error.params as { allowedValue: unknown }).allowedValue
      return {
        code: 'INVALID_ENUM',
        pointer,
        message: `${capitalize(describeValue(pointer))} must be ${quote(allowed)}, not ${quote(valueAt(data, pointer))}.`,
      }
    }
    case 'enum': {
      const allowed = (error.params as { allowedValues: unknown[] }).allowedValues
      const value = valueAt(data, pointer)
      const choices = allowed.map(String)
      const isTrigger = /\/trigger$/.test(pointer)
      const suggestion = typeof value === 'string' ? didYouMean(value, choices) : ''
      return {
        code: isTrigger ? 'INVALID_TRIGGER' : 'INVALID_ENUM',
        pointer,
        message: suggestion
          ? `${capitalize(describeValue(pointer))} is ${quote(value)}${suggestion} Valid values are ${listChoices(choices)}.`
          : `${capitalize(describeValue(pointer))} is ${quote(value)}; use ${listChoices(choices)}.`,
      }
    }
    case 'pattern':
      return describePattern(error, data)
    case 'minProperties':
      return { code: 'MISSING_FIELD', pointer, atKey: true, message: `${capitalize(describeValue(pointer))} must not be empty${pointer === '/tasks' ? '; declare at least one task' : ''}.` }
    case 'uniqueItems': {
      // Ajv's `j` is the later of the two: point at the repeat, the one to remove.
      const { j } = error.params as { i: number; j: number }
      return {
        code: 'INVALID_VALUE',
        pointer: `${pointer}/${j}`,
        message: `${capitalize(describeValue(pointer))} lists '${String(valueAt(data, `${pointer}/${j}`))}' twice; remove the repeat.`,
      }
    }
    case 'minimum':
    case 'maximum': {
      const limit = (error.params as { limit: number }).limit
      return { code: 'INVALID_VALUE', pointer, message: `${capitalize(describeValue(pointer))} must be ${error.keyword === 'minimum' ? 'at least' : 'at most'} ${limit}, not ${quote(valueAt(data, pointer))}.` }
    }
    case 'minItems':
      return { code: 'INVALID_VALUE', pointer, message: `${capitalize(describeValue(pointer))} must not be an empty list.` }
    case 'maxLength': {
      const limit = (error.params as { limit: number }).limit
      const propertyName = (error as ErrorObject & { propertyName?: string }).propertyName
      // A name that is too long (`propertyNames: { maxLength }`): point at that key, not its mapping.
      if (propertyName !== undefined) {
        const container = pointerSegments(pointer).at(-1) ?? 'document'
        return {
          code: 'INVALID_NAME',
          pointer: toPointer([...pointerSegments(pointer), propertyName]),
          atKey: true,
          message: `${container === 'tasks' ? 'Task id' : `Name under '${container}'`} '${shorten(propertyName)}' is ${[...propertyName].length} characters long; shorten it to at most ${limit}${container === 'tasks' ? ' (task ids become job and pod names)' : ''}.`,
        }
      }
      const value = valueAt(data, pointer)
      return { code: 'INVALID_VALUE', pointer, message: `${capitalize(describeValue(pointer))} is ${typeof value === 'string' ? [...value].length : '?'} characters long; shorten it to at most ${limit}.` }
    }
    default:
      return {
        code: error.keyword === 'minimum' || error.keyword === 'maximum' || error.keyword.startsWith('min') || error.keyword.startsWith('max') ? 'INVALID_VALUE' : 'SCHEMA',
        pointer,
        message: `${capitalize(describeValue(pointer))} ${error.message ?? 'is invalid'}.`,
      }
  }
}

function describePattern(error: ErrorObject, data: unknown): Finding {
  const propertyName = (error as ErrorObject & { propertyName?: string }).propertyName
  if (propertyName !== undefined) {
    const pointer = toPointer([...pointerSegments(error.instancePath), propertyName])
    const container = pointerSegments(error.instancePath).at(-1) ?? 'document'
    return {
      code: 'INVALID_NAME',
      pointer,
      atKey: true,
      message: `'${shorten(propertyName)}' is not a valid name under '${container}'; ${nameRule(container)}.`,
    }
  }
  const pointer = error.instancePath
  const value = valueAt(data, pointer)
  const last = pointerSegments(pointer).at(-1) ?? ''
  if (last === 'handler')
    return {
      code: 'INVALID_VALUE',
      pointer,
      message: `Handler '${String(value)}' is not a module reference; write 'path/to/module.ts#exportName' (or just the path for the default export).`,
    }
  if (last === 'name' && pointer === '/name')
    return { code: 'INVALID_NAME', pointer, message: `Pipeline name '${String(value)}' is not valid; ${nameRule('name')}.` }
  if (/^\/tasks\/[^/]+\/needs\/\d+$/.test(pointer))
    return { code: 'INVALID_NAME', pointer, message: `'${String(value)}' in 'needs' is not a task id; ${nameRule('tasks')}.` }
  return { code: 'INVALID_VALUE', pointer, message: `${capitalize(describeValue(pointer))} '${String(value)}' does not match the expected form.` }
}

function nameRule(container: string): string {
  // ASCII only: a JavaScript identifier may hold other letters (`größe`), which the pattern refuses.
  if (container === 'inputs') return 'input names use ASCII letters, digits, `_` and `$`, not starting with a digit (e.g. `rowCount`)'
  if (container === 'types' || container === 'values' || container === 'columns')
    return 'use letters, digits and `_`, starting with a letter or `_`'
  return 'use lowercase letters, digits and `_`, starting with a letter (e.g. `daily_sales`)'
}

/** The instance path of the value an anyOf applies to: the deepest matching anyOf error above `error`. */
function anyOfInstance(error: ErrorObject, all: readonly ErrorObject[], anyOfPath: string): string {
  let best: string | undefined
  for (const e of all)
    if (e.keyword === 'anyOf' && e.schemaPath === `${anyOfPath}/anyOf` && isPointerPrefix(e.instancePath, error.instancePath))
      if (best === undefined || e.instancePath.length > best.length) best = e.instancePath
  return best ?? error.instancePath
}

function isPointerPrefix(prefix: string, pointer: string): boolean {
  return pointer === prefix || pointer.startsWith(`${prefix}/`)
}

/** Reports an `anyOf` failure, choosing the branch the user evidently meant. */
function describeAnyOf(
  pointer: string,
  all: readonly ErrorObject[],
  data: unknown,
  anyOfPath: string,
  outerAnyOf: ReadonlySet<string>,
): Finding | Finding[] {
  const schema = schemaAt(anyOfPath)
  const branches = (schema?.anyOf as SchemaNode[] | undefined) ?? []
  const value = valueAt(data, pointer)
  const isDuration = branches.some((b) => typeof b.pattern === 'string' && b.pattern.includes('ms|s|m|h|d'))
  if (isDuration) {
    const fix = durationFix(value)
    return {
      code: 'INVALID_DURATION',
      pointer,
      message: `${capitalize(describeValue(pointer))} is ${quote(value)}, which is not a duration${fix === undefined ? "; write a number with a unit: '250ms', '30s', '10m', '2h' or '1d'" : `: ${fix}`}.`,
    }
  }
  // retries and foreach: a scalar or list, or an object. An object gets its own branch's precise errors.
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const branchIndex = branches.findIndex((b) => b.type === 'object')
    const inner = all.filter(
      (e) => isPointerPrefix(pointer, e.instancePath) && e.schemaPath.startsWith(`${anyOfPath}/anyOf/${branchIndex}/`),
    )
    const described = describeShapeErrors(inner, data, new Set([...outerAnyOf, anyOfPath]))
    if (described.length > 0) return described
  }
  if (pointer.endsWith('/foreach'))
    return {
      code: 'WRONG_TYPE',
      pointer,
      message: `${capitalize(describeValue(pointer))} must be a reference to a list ('\${{ tasks.<id>.output }}'), a YAML list, or '{ items: …, concurrency: 4 }', not ${describeJsonValue(value)}.`,
    }
  // cache: a switch or a settings object.
  if (branches.some((b) => b.type === 'boolean'))
    return {
      code: 'WRONG_TYPE',
      pointer,
      message: `${capitalize(describeValue(pointer))} must be true, false or settings such as '{ version: "2", ttl: 7d }', not ${describeJsonValue(value)}.`,
    }
  return {
    code: typeof value === 'number' ? 'INVALID_VALUE' : 'WRONG_TYPE',
    pointer,
    message: `${capitalize(describeValue(pointer))} must be a whole number from 0 to 100, or a policy such as '{ max: 3, delay: 10s }', not ${describeJsonValue(value)}.`,
  }
}

/** The schema path of the innermost `anyOf` this error's schema path runs through, skipping those being described. */
function enclosingAnyOf(schemaPath: string, skip: ReadonlySet<string>): string | undefined {
  for (let index = schemaPath.lastIndexOf('/anyOf/'); index !== -1; index = schemaPath.lastIndexOf('/anyOf/', index - 1)) {
    const path = schemaPath.slice(0, index)
    if (!skip.has(path)) return path
    if (index === 0) break
  }
  return undefined
}

function parentSchemaPath(schemaPath: string): string {
  return schemaPath.slice(0, schemaPath.lastIndexOf('/'))
}

/** Resolves a schema path like `#/properties/tasks/additionalProperties` in the pipeline schema. */
function schemaAt(schemaPath: string): SchemaNode | undefined {
  let node: unknown = pipelineSchema
  for (const segment of schemaPath.replace(/^#/, '').split('/').filter(Boolean)) {
    if (node === null || typeof node !== 'object') return undefined
    node = (node as SchemaNode)[decodeURIComponent(segment).replace(/~1/g, '/').replace(/~0/g, '~')]
  }
  return node !== null && typeof node === 'object' ? (node as SchemaNode) : undefined
}

function valueAt(data: unknown, pointer: string): unknown {
  let node = data
  for (const segment of pointerSegments(pointer)) {
    if (node === null || typeof node !== 'object') return undefined
    node = Object.hasOwn(node, segment) ? (node as Record<string, unknown>)[segment] : undefined
  }
  return node
}

/** "in task 'extract'", "in 'schedule'", "at the top level". */
function describeLocation(pointer: string): string {
  const s = pointerSegments(pointer)
  if (s.length === 0) return 'at the top level of the pipeline'
  if (s[0] === 'tasks' && s.length === 2) return `in task '${s[1]}'`
  if (s[0] === 'tasks' && s.length > 2) return `in '${s.slice(2).join('.')}' of task '${s[1]}'`
  if (s[0] === 'io' && s.length === 2) return `in io '${s[1]}'`
  return `in '${s.join('.')}'`
}

/** "the value of 'timeout' in task 'extract'". */
function describeValue(pointer: string): string {
  const s = pointerSegments(pointer)
  if (s.length === 0) return 'the document'
  if (s[0] === 'tasks' && s.length === 2) return `task '${s[1]}'`
  if (s[0] === 'tasks' && s.length > 2) return `'${s.slice(2).join('.')}' of task '${s[1]}'`
  return `'${s.join('.')}'`
}

function hintForMissing(key: string): string {
  switch (key) {
    case 'handler':
      return " (e.g. 'handler: ../handlers/sales.ts#extract')"
    case 'apiVersion':
      return " (add 'apiVersion: weir/v1')"
    case 'kind':
      return " (add 'kind: Pipeline')"
    case 'cron':
      return " (e.g. 'cron: \"0 3 * * *\"')"
    case 'name':
      return " (e.g. 'name: daily_sales')"
    case 'tasks':
      return " (e.g. 'tasks: { extract: { handler: ./handlers/extract.ts } }')"
    default:
      return ''
  }
}

/** The user's text for a message, cut short when long (a collection used as a key becomes a long string). */
function shorten(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ')
  return oneLine.length > 60 ? `${oneLine.slice(0, 57)}...` : oneLine
}

/** The user's value in quotes for a message: `'skipp'`, `3`, `a list`. */
function quote(value: unknown): string {
  if (typeof value === 'string') return `'${shorten(value)}'`
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value)
  return describeJsonValue(value)
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}
