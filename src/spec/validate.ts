/**
 * `validateSpec`: text → diagnostics (+ the resolved Pipeline when there are no errors).
 * Order: bytes → YAML → shape (JSON Schema) → meaning (rules). Rules run even when the shape has
 * errors, so one pass reports every problem.
 */
import { resolve } from 'node:path'
import type { Diagnostic, Finding } from './diagnostics.ts'
import { hasErrors, sortDiagnostics } from './diagnostics.ts'
import type { Pipeline } from './model.ts'
import type { ParseFailure, ParsedSpec } from './parse.ts'
import { checkSpecBytes, decodeSpecBytes } from './spec-bytes.ts'
import { readSpecBytes } from './read-spec-file.ts'
import type { LineIndex } from './line-index.ts'
import { checkShape } from './check-shape.ts'
import { describeJsonValue } from './schema-problem.ts'
import { collectSpecView, isObject } from './collect.ts'
import { parseFast } from './fast-parse.ts'
import { isJsonSpecPath, jsonSyntaxProblem } from './json-spec-syntax.ts'
import type { PluginCatalog, Rule, RuleContext } from './rules/types.ts'
import { referenceSyntax } from './rules/reference-syntax.ts'
import { unknownRefs } from './rules/unknown-refs.ts'
import { cycles } from './rules/cycles.ts'
import { foreachRule } from './rules/foreach.ts'
import { outputFields } from './rules/output-fields.ts'
import { concatRule } from './rules/concat.ts'
import { ioNames } from './rules/io-names.ts'
import { typeRefs } from './rules/type-refs.ts'
import { scheduleRule } from './rules/schedule.ts'
import { handlers } from './rules/handlers.ts'
import { targets } from './rules/targets.ts'
import { paramSchemas } from './rules/param-schemas.ts'
import { toleratedFailureInputs, unusedParams } from './rules/warnings.ts'
import { commandTemplates } from './rules/command-templates.ts'
import { reservedKeys } from './rules/reserved-keys.ts'
import { timeouts } from './rules/timeouts.ts'
import { normalizeSpec } from './normalize.ts'
import { specHashOf } from './spec-hash.ts'
import { findNonJsonValues } from './json-values.ts'
import type { WrittenAt } from './json-values.ts'
import { findProjectRoot } from './project-root.ts'
import type { PipelineSpec } from './spec-types.ts'

export type { PluginCatalog } from './rules/types.ts'

/** Every meaning check, in the order their findings are most useful. */
export const RULES: readonly Rule[] = [
  reservedKeys,
  referenceSyntax,
  unknownRefs,
  outputFields,
  foreachRule,
  concatRule,
  cycles,
  ioNames,
  timeouts,
  typeRefs,
  scheduleRule,
  handlers,
  paramSchemas,
  targets,
  commandTemplates,
  unusedParams,
  toleratedFailureInputs,
]

export interface ValidateOptions {
  /** Path of the spec (for handler resolution and messages); need not exist when `checkHandlers` is false. */
  readonly path: string
  /** Installed plugins' types and config schemas; the CLI passes the built-ins. */
  readonly plugins?: PluginCatalog
  /** Look at handler modules on disk. @default true */
  readonly checkHandlers?: boolean
  /** Handler modules must stay inside this folder. @default the nearest folder with a package.json */
  readonly projectRoot?: string
  /** Build the resolved `Pipeline` of a valid spec; `spec validate` only needs the diagnostics. @default true */
  readonly resolve?: boolean
  /**
   * Read the spec with the fast parser first and keep the careful, position-keeping parse for specs
   * with problems. Only a clean verdict comes from the fast path. @default true
   */
  readonly fastPath?: boolean
  /**
   * When given, filled with the files and folders besides the spec that the verdict rests on: each
   * handler module, the modules it re-exports, and the folder of a handler module that is missing.
   * A long-lived caller (`weir ui`) validates again when one of them changes.
   */
  readonly dependsOn?: Set<string>
}

export interface ValidateResult {
  /** Present only when there are no errors. */
  readonly pipeline?: Pipeline
  readonly diagnostics: Diagnostic[]
  /** The text validated and its parsed data, beside `pipeline` (`weir execute` keeps them as a plan). */
  readonly source?: { readonly text: string; readonly data: unknown }
}

const EMPTY_CATALOG: PluginCatalog = { io: new Map(), targets: new Map() }

/** Validates spec text; never throws for bad input. */
export async function validateSpec(text: string, options: ValidateOptions): Promise<ValidateResult> {
  const sourcePath = resolve(options.path)
  const context = {
    sourcePath,
    projectRoot: options.projectRoot ?? findProjectRoot(sourcePath),
    plugins: options.plugins ?? EMPTY_CATALOG,
    checkHandlers: options.checkHandlers ?? true,
    ...(options.dependsOn && { dependsOn: options.dependsOn }),
  }
  if (options.fastPath !== false) {
    const fast = await parseFast(text)
    if (fast !== undefined && isObject(fast.data) && (await checkData(fast.data, context, fast.mayHoldProtoKey, fast.taskIds, fast.mayHoldNonJson)).length === 0)
      return options.resolve === false ? { diagnostics: [] } : { pipeline: normalizeSpec(fast.data as unknown as PipelineSpec, sourcePath, () => specHashOf(text), fast.taskIds), diagnostics: [], source: { text, data: fast.data } }
  }
  // The careful parser keeps every node's position; it is loaded only for specs with something to report.
  const { parseSpecText, rangeOfFinding, scalarSourceAt } = await import('./parse.ts')
  const parsed = parseSpecText(text)
  if (!parsed.ok) return { diagnostics: parseFailures(parsed.failures, parsed.text, parsed.lineCounter) }
  const spec = parsed.spec
  const notPipeline = describeNonPipeline(spec.data)
  if (notPipeline) {
    const at = spec.doc.contents?.range?.[0] ?? 0
    const pos = spec.lineCounter.linePos(at)
    return { diagnostics: [{ severity: 'error', code: 'NOT_A_PIPELINE', message: notPipeline, pointer: '', line: pos.line, column: pos.col }] }
  }
  const findings = await checkData(spec.data, context, true, undefined, true, (pointer) => scalarSourceAt(spec, pointer))
  // A key written twice, or a value whose tag does not apply: the value is not what was meant, so
  // nothing more is said about it (a number param's `default: !!float 1` is not also 'the string 1').
  const unclear = (parsed.keyFailures ?? []).filter((f) => (f.code === 'DUPLICATE_KEY' || f.code === 'NOT_JSON') && f.pointer !== undefined).map((f) => f.pointer!)
  const kept = unclear.length === 0 ? findings : findings.filter((f) => !unclear.some((p) => f.pointer === p || f.pointer.startsWith(`${p}/`)))
  const diagnostics = sortDiagnostics([...(parsed.keyFailures ? parseFailures(parsed.keyFailures, text, spec.lineCounter) : []), ...kept.map((f) => toDiagnostic(spec, f, rangeOfFinding))])
  if (hasErrors(diagnostics) || options.resolve === false) return { diagnostics }
  return { pipeline: normalizeSpec(spec.data as PipelineSpec, sourcePath, () => specHashOf(text)), diagnostics, source: { text, data: spec.data } }
}

/** Where a rule reports a number that is not finite in words of its own (param-schemas.ts, schedule.ts). */
const HAS_OWN_NON_FINITE_CHECK = /^\/(?:params\/[^/]+\/default|schedule\/params)(?:\/|$)/

/** Shape and meaning checks of a document's data; findings carry pointers, not positions. */
async function checkData(data: unknown, context: Omit<RuleContext, 'view' | 'report'>, mayHoldProtoKey = true, taskIds?: readonly string[], mayHoldNonJson = true, written?: WrittenAt): Promise<Finding[]> {
  const findings: Finding[] = await checkShape(data, taskIds)
  if (mayHoldNonJson)
    for (const value of findNonJsonValues(data, undefined, written))
      if (!(value.nonFinite && HAS_OWN_NON_FINITE_CHECK.test(value.pointer))) findings.push({ code: 'NOT_JSON', pointer: value.pointer, message: value.message })
  const view = collectSpecView(data, mayHoldProtoKey, taskIds)
  for (const rule of RULES) await rule({ ...context, view, report: (finding) => findings.push(finding) })
  return keepOnePerReservedKey(findings)
}

/**
 * A reserved key (`__proto__`, `constructor`, `prototype`) gets one diagnostic, the first reported for
 * it: whatever else is wrong at or under it (its pattern, an unused param, a nested reserved key)
 * follows from the name and is left out until it is renamed.
 */
function keepOnePerReservedKey(findings: Finding[]): Finding[] {
  const reserved = findings.filter((f) => f.code === 'RESERVED_KEY').map((f) => f.pointer)
  if (reserved.length === 0) return findings
  const isUnder = (pointer: string) => reserved.some((r) => pointer.startsWith(`${r}/`))
  const flagged = new Set<string>()
  return findings.filter((f) => {
    if (isUnder(f.pointer)) return false
    if (f.code !== 'RESERVED_KEY') return !reserved.includes(f.pointer)
    if (flagged.has(f.pointer)) return false
    flagged.add(f.pointer)
    return true
  })
}

/** Reads and validates one spec file. */
export async function validateSpecFile(path: string, options: Omit<ValidateOptions, 'path'> = {}): Promise<ValidateResult> {
  const read = await readSpecBytes(path)
  if (!read.ok) return { diagnostics: [{ severity: 'error', code: read.code, message: read.message, pointer: '', line: 1, column: 1 }] }
  const bytes = read.bytes
  const refused = checkSpecBytes(bytes)
  if (refused) return { diagnostics: [{ severity: 'error', code: refused.code, message: refused.message, pointer: '', line: 1, column: 1 }] }
  const decoded = decodeSpecBytes(bytes)
  if (!decoded.ok) return { diagnostics: [{ severity: 'error', code: decoded.code, message: decoded.message, pointer: '', line: decoded.line, column: decoded.column }] }
  const notJson = isJsonSpecPath(path) ? jsonSyntaxProblem(decoded.text) : undefined
  if (notJson) return { diagnostics: [{ severity: 'error', code: 'YAML_SYNTAX', pointer: '', ...notJson }] }
  return validateSpec(decoded.text, { ...options, path })
}

/** Why a document is no pipeline at all (empty, a list, a scalar), or undefined for a mapping. */
function describeNonPipeline(data: unknown): string | undefined {
  const fix = "a pipeline spec is a mapping with 'apiVersion: weir/v1', 'kind: Pipeline', 'name' and 'tasks'"
  if (data === null || data === undefined) return `The file holds no document; ${fix}.`
  if (Array.isArray(data)) return `The file holds a list, not a pipeline; ${fix}.`
  if (typeof data !== 'object') return `The file holds ${describeJsonValue(data)}, not a pipeline; ${fix}.`
  return undefined
}

function toDiagnostic(spec: ParsedSpec, finding: Finding, rangeOfFinding: typeof import('./parse.ts').rangeOfFinding): Diagnostic {
  const range = rangeOfFinding(spec, finding)
  const start = spec.lineCounter.linePos(range.start)
  const end = spec.lineCounter.linePos(Math.max(range.start, range.end))
  return {
    severity: finding.severity ?? 'error',
    code: finding.code,
    message: finding.message,
    pointer: finding.pointer,
    line: start.line,
    column: start.col,
    endLine: end.line,
    endColumn: end.col,
  }
}

function parseFailures(failures: readonly ParseFailure[], text: string, lineCounter: LineIndex): Diagnostic[] {
  return sortDiagnostics(
    failures.map((f) => {
      const pos = lineCounter.linePos(Math.min(f.offset, text.length))
      const end = f.end === undefined ? undefined : lineCounter.linePos(Math.min(f.end, text.length))
      return {
        severity: 'error',
        code: f.code,
        message: f.message,
        pointer: f.pointer ?? '',
        line: pos.line,
        column: pos.col,
        ...(end && { endLine: end.line, endColumn: end.col }),
      }
    }),
  )
}
