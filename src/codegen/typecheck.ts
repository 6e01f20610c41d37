/**
 * `weir spec validate --typecheck`: compiles each spec's handler modules against the spec's freshly
 * generated handler types, and turns what the compiler finds into diagnostics: at the handler's
 * file, line and column, and also at the spec's YAML when the spec's declarations are involved.
 *
 * Typed handlers (`export const x: Handlers["x"] = …`) are checked by the compiler as usual. Every
 * handler export is also checked against its task's handler type, leniently (parameters compare
 * both ways), so plain functions with their own parameter types are caught when they read an input
 * the spec does not bind or return the wrong shape, and untyped functions always pass.
 */
import { readFile } from 'node:fs/promises'
import { relative, resolve } from 'node:path'
import type { Diagnostic, DiagnosticCode } from '../spec/diagnostics.ts'
import { hasErrors, sortDiagnostics } from '../spec/diagnostics.ts'
import type { Pipeline, Task } from '../spec/model.ts'
import { parseSpecText, rangeOfFinding } from '../spec/parse.ts'
import { findProjectRoot } from '../spec/project-root.ts'
import { readSpecText } from '../spec/read-spec-text.ts'
import { validateSpecFile } from '../spec/validate.ts'
import type { PluginCatalog } from '../spec/validate.ts'
import { generateTypes } from './generate-types.ts'
import { allocateTypeNames } from './type-names.ts'
import type { TaskTypeNames } from './type-names.ts'
import { loadTypeScript } from './load-typescript.ts'
import type { TypeScriptApi } from './load-typescript.ts'
import { checkGroup, optionsFor } from './typecheck-program.ts'
import type { CheckUnit, RawProblem } from './typecheck-program.ts'

/** The shape of `spec validate`'s per-file reports (src/cli/format-diagnostics.ts `FileReport`). */
export interface TypecheckFileReport {
  readonly path: string
  readonly diagnostics: readonly Diagnostic[]
  readonly text?: string
}

/**
 * For the CLI: type-checks the specs of `reports` that are valid and returns the reports with the
 * type diagnostics added, plus one report per handler module that has problems.
 */
export async function typecheckReports(reports: readonly TypecheckFileReport[], options: { readonly plugins?: PluginCatalog } = {}): Promise<TypecheckFileReport[]> {
  const pipelines: Pipeline[] = []
  for (const report of reports) {
    if (hasErrors(report.diagnostics)) continue
    const { pipeline } = await validateSpecFile(report.path, options.plugins ? { plugins: options.plugins } : {})
    if (pipeline) pipelines.push(pipeline)
  }
  const found = await typecheckPipelines(pipelines)
  const out: TypecheckFileReport[] = []
  for (const report of reports) {
    const added = found.get(resolve(report.path))
    found.delete(resolve(report.path))
    if (!added || added.length === 0) {
      out.push(report)
      continue
    }
    const text = report.text ?? (await readSpecText(report.path))
    out.push({ path: report.path, diagnostics: sortDiagnostics([...report.diagnostics, ...added]), ...(text !== undefined && { text }) })
  }
  for (const [file, diagnostics] of [...found].sort(([a], [b]) => a.localeCompare(b))) {
    const text = await readFile(file, 'utf8').catch(() => undefined)
    out.push({ path: relative('.', file), diagnostics: sortDiagnostics(diagnostics), ...(text !== undefined && { text }) })
  }
  return out
}

/** Options of `typecheckPipelines`. */
export interface TypecheckOptions {
  /** Finds the compiler API; tests replace it. @default the project's `typescript`, else weir's */
  readonly loadTypeScript?: (projectRoot: string) => Promise<TypeScriptApi | undefined>
}

/** Type-checks the handlers of valid pipelines; returns diagnostics by absolute file path (specs and handler modules). */
export async function typecheckPipelines(pipelines: readonly Pipeline[], options: TypecheckOptions = {}): Promise<Map<string, Diagnostic[]>> {
  const found = new Map<string, Diagnostic[]>()
  if (pipelines.length === 0) return found
  const add = (file: string, d: Diagnostic): void => {
    const list = found.get(file) ?? []
    if (!list.some((x) => x.line === d.line && x.column === d.column && x.code === d.code && x.message === d.message)) list.push(d)
    found.set(file, list)
  }
  const ts = await (options.loadTypeScript ?? loadTypeScript)(findProjectRoot(pipelines[0]!.sourcePath))
  if (!ts) {
    for (const p of pipelines)
      add(p.sourcePath, {
        severity: 'error', code: 'TYPECHECK_UNAVAILABLE', pointer: '', line: 1, column: 1,
        message: "Cannot type-check handlers: the 'typescript' package (5.x or 6.x, with its compiler API) is not installed; run 'npm install -D typescript@5'.",
      })
    return found
  }
  const units: CheckUnit[] = await Promise.all(
    pipelines.map(async (pipeline) => ({ pipeline, generated: (await generateTypes(pipeline)).contents, names: allocateTypeNames(pipeline) })),
  )
  const specs = new Map<string, SpecLocator>()
  for (const p of pipelines) specs.set(p.sourcePath, await locateInSpec(p.sourcePath))
  for (const { options, modules } of groupModules(ts, pipelines)) {
    for (const problem of checkGroup(ts, options, units, modules))
      for (const [file, d] of describeProblem(problem, units, specs, ts)) add(file, d)
  }
  return found
}

/** Handler modules grouped by the tsconfig.json that governs them (one program per group). */
function groupModules(ts: TypeScriptApi, pipelines: readonly Pipeline[]): { options: import('typescript').CompilerOptions; modules: Set<string> }[] {
  const groups = new Map<string, { options: import('typescript').CompilerOptions; modules: Set<string> }>()
  for (const pipeline of pipelines)
    for (const task of pipeline.tasks.values()) {
      const { key, options } = optionsFor(ts, task.handler.modulePath)
      const group = groups.get(key) ?? { options, modules: new Set<string>() }
      group.modules.add(task.handler.modulePath)
      groups.set(key, group)
    }
  return [...groups.values()]
}

type SpecLocator = (pointer: string) => { line: number; column: number; endLine: number; endColumn: number }

/** Pointer → YAML position, for diagnostics that point into a spec. */
async function locateInSpec(path: string): Promise<SpecLocator> {
  const text = await readFile(path, 'utf8').catch(() => '')
  const parsed = parseSpecText(text)
  return (pointer) => {
    if (!parsed.ok) return { line: 1, column: 1, endLine: 1, endColumn: 1 }
    const range = rangeOfFinding(parsed.spec, { code: 'HANDLER_TYPE_ERROR', pointer, message: '' })
    const start = parsed.spec.lineCounter.linePos(range.start)
    const end = parsed.spec.lineCounter.linePos(Math.max(range.start, range.end))
    return { line: start.line, column: start.col, endLine: end.line, endColumn: end.col }
  }
}

/** One compiler finding → diagnostics in the handler module and, where the spec is involved, in the spec. */
function describeProblem(problem: RawProblem, units: readonly CheckUnit[], specs: ReadonlyMap<string, SpecLocator>, ts: TypeScriptApi): [string, Diagnostic][] {
  const at = { line: problem.line, column: problem.column, endLine: problem.endLine, endColumn: problem.endColumn }
  const where = `${relative('.', problem.file)}:${problem.line}:${problem.column}`
  const inSpec = (pipeline: Pipeline, code: DiagnosticCode, pointer: string, message: string): [string, Diagnostic] => [
    pipeline.sourcePath,
    { severity: 'error', code, pointer, message, ...specs.get(pipeline.sourcePath)!(pointer) },
  ]
  switch (problem.kind) {
    case 'generated': {
      const pipeline = problem.pipeline!
      const detail = flattenMessage(problem.diagnostic.messageText, false)
      return [inSpec(pipeline, 'HANDLER_TYPE_ERROR', '/name', `The generated handler types of pipeline '${pipeline.name}' do not compile beside this spec: ${detail} Install the packages they import (apache-arrow for table outputs).`)]
    }
    case 'signature': {
      const { pipeline, task } = problem as Required<RawProblem>
      const detail = flattenMessage(problem.diagnostic.messageText, true)
      const subject = `Handler '${task.handler.written}' does not match task '${task.id}' of pipeline '${pipeline.name}'`
      return [
        [problem.file, { severity: 'error', code: 'HANDLER_SIGNATURE_MISMATCH', pointer: task.pointer, ...at, message: `${subject}: ${detail} Fix the handler's types or the spec.` }],
        inSpec(pipeline, 'HANDLER_SIGNATURE_MISMATCH', `${task.pointer}/handler`, `${subject} (${where}): ${detail} Fix the handler's types or the spec.`),
      ]
    }
    case 'module': {
      const detail = `${flattenMessage(problem.diagnostic.messageText, false)} (TS${problem.diagnostic.code})`
      const out: [string, Diagnostic][] = [[problem.file, { severity: 'error', code: 'HANDLER_TYPE_ERROR', pointer: '', ...at, message: detail }]]
      for (const { unit, task, aspect } of withinHandler(problem, specCauses(problem, units), ts))
        out.push(inSpec(unit.pipeline, 'HANDLER_TYPE_ERROR', aspectPointer(task, aspect), `The handler of task '${task.id}' does not type-check against what this spec declares (${where}): ${detail}`))
      return out
    }
  }
}

type Aspect = 'inputs' | 'output' | 'values'

/**
 * The causes whose own handler the error is in. A message names types, and the types of one task
 * may appear inside another's handler (a value typed `ShapesOutput` in the handler of 'tree'): an
 * error inside the declaration a task's handler is exported from belongs to that task alone, and
 * to none if that task's types are not what the message names. An error outside every handler
 * export (a helper function of the module) keeps the causes its types name.
 */
function withinHandler<T extends { unit: CheckUnit; task: Task }>(problem: RawProblem, causes: T[], ts: TypeScriptApi): T[] {
  const file = problem.diagnostic.file
  if (causes.length === 0 || file === undefined) return causes
  const spans = exportSpans(file, ts)
  const handlersHere = new Set<string>()
  for (const { unit } of causes)
    for (const task of unit.pipeline.tasks.values()) {
      const span = task.handler.modulePath === problem.file ? spans.get(task.handler.exportName) : undefined
      if (span && problem.start >= span[0] && problem.start < span[1]) handlersHere.add(task.handler.exportName)
    }
  if (handlersHere.size === 0) return causes
  return causes.filter(({ task }) => handlersHere.has(task.handler.exportName))
}

/** Where each top-level export of `file` is declared (`export function f`, `export const f = …`, `export default`). */
function exportSpans(file: import('typescript').SourceFile, ts: TypeScriptApi): Map<string, [number, number]> {
  const spans = new Map<string, [number, number]>()
  for (const statement of file.statements) {
    const modifiers = ts.canHaveModifiers(statement) ? ts.getModifiers(statement) : undefined
    if (!modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)) continue
    const span: [number, number] = [statement.getStart(file), statement.getEnd()]
    if (modifiers.some((m) => m.kind === ts.SyntaxKind.DefaultKeyword)) spans.set('default', span)
    if ((ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement)) && statement.name) spans.set(statement.name.text, span)
    if (ts.isVariableStatement(statement))
      for (const declaration of statement.declarationList.declarations)
        if (ts.isIdentifier(declaration.name)) spans.set(declaration.name.text, [declaration.getStart(file), declaration.getEnd()])
  }
  return spans
}

/** Tasks whose declared types a handler-module error mentions by name (the spec is then part of the cause). */
function specCauses(problem: RawProblem, units: readonly CheckUnit[]): { unit: CheckUnit; task: Task; aspect: Aspect }[] {
  const text = flattenAll(problem.diagnostic.messageText)
  const causes: { unit: CheckUnit; task: Task; aspect: Aspect }[] = []
  for (const unit of units) {
    if (![...unit.pipeline.tasks.values()].some((t) => t.handler.modulePath === problem.file)) continue
    for (const [taskId, names] of unit.names.tasks) {
      const task = unit.pipeline.tasks.get(taskId)!
      const aspect = mentionedAspect(text, names, sharedOutputName(task, unit.names.shared))
      if (aspect) causes.push({ unit, task, aspect })
    }
  }
  return causes
}

/**
 * The aspect whose type the message names last: a chain narrows as it goes, and its first lines
 * print the whole handler type, whose parameter names the inputs even when the output is wrong.
 */
function mentionedAspect(text: string, names: TaskTypeNames, sharedOutput: string | undefined): Aspect | undefined {
  const lastAt = (name: string | undefined): number => {
    if (name === undefined) return -1
    let at = -1
    for (const match of text.matchAll(new RegExp(`\\b${name}\\b`, 'g'))) at = match.index
    return at
  }
  const found: [Aspect, number][] = [['inputs', lastAt(names.inputs)], ['output', Math.max(lastAt(names.output), lastAt(names.columns), lastAt(sharedOutput))], ['values', lastAt(names.values)]]
  const [aspect, at] = found.reduce((best, next) => (next[1] > best[1] ? next : best))
  return at < 0 ? undefined : aspect
}

/** The shared type an output `{ $ref: "#/types/X" }` is: the compiler names it, not the task's own alias. */
function sharedOutputName(task: Task, shared: ReadonlyMap<string, string>): string | undefined {
  const ref = task.output.kind === 'json' && typeof task.output.schema === 'object' ? (task.output.schema as { $ref?: unknown }).$ref : undefined
  return typeof ref === 'string' ? shared.get(ref.replace(/^#\/(?:\$defs|types)\//, '')) : undefined
}

/** Where in the spec an aspect of a task is declared; the task itself when the spec leaves it out. */
function aspectPointer(task: Task, aspect: Aspect): string {
  const declared =
    aspect === 'inputs' ? Object.keys(task.inputs).length > 0 : aspect === 'values' ? Object.keys(task.values).length > 0 : task.output.kind !== 'any'
  return declared ? `${task.pointer}/${aspect}` : task.pointer
}

type MessageText = string | import('typescript').DiagnosticMessageChain

/**
 * A compiler message chain as one sentence: its first line, then the most specific lines (the
 * middle of long chains repeats the types). `skipTop` drops the first line, which for a signature
 * mismatch only prints both function types in full.
 */
function flattenMessage(text: MessageText, skipTop: boolean): string {
  const lines: string[] = []
  for (let chain: MessageText | undefined = text; chain !== undefined; chain = typeof chain === 'string' ? undefined : chain.next?.[0])
    lines.push(typeof chain === 'string' ? chain : chain.messageText)
  const kept = skipTop && lines.length > 1 ? lines.slice(1) : lines
  const short = kept.length > 3 ? [kept[0]!, ...kept.slice(-2)] : kept
  const sentence = short.map((l) => l.replace(/\s+/g, ' ').trim().replace(/[.:]$/, '')).join(': ')
  return /[?!]$/.test(sentence) ? sentence : `${sentence}.`
}

function flattenAll(text: MessageText): string {
  if (typeof text === 'string') return text
  return [text.messageText, ...(text.next ?? []).map(flattenAll)].join(' ')
}
