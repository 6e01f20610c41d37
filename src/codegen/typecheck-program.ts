/**
 * The TypeScript program behind `weir spec validate --typecheck`: the handler modules, the freshly
 * generated types of their pipelines (in memory, never written), and one small in-memory "check"
 * module per pipeline that asks the compiler whether each task's export fits `Handlers[task]`.
 */
import { dirname, join, relative } from 'node:path'
import type { Pipeline, Task } from '../spec/model.ts'
import type { TypeScriptApi } from './load-typescript.ts'
import type { TypeNames } from './type-names.ts'
import { GENERATED_HEADER } from './generate-types.ts'

type ts = TypeScriptApi
type CompilerOptions = import('typescript').CompilerOptions
type Program = import('typescript').Program
type TsDiagnostic = import('typescript').Diagnostic

/** One pipeline to check: its model, its generated types and the names they use. */
export interface CheckUnit {
  readonly pipeline: Pipeline
  readonly generated: string
  readonly names: TypeNames
}

/** A problem found by the compiler, still in TypeScript's terms (file + character offsets). */
export interface RawProblem {
  /** `module`: an error inside a handler module; `signature`: an export that does not fit its task; `generated`: the generated types themselves. */
  readonly kind: 'module' | 'signature' | 'generated'
  readonly file: string
  readonly start: number
  readonly end: number
  readonly line: number
  readonly column: number
  readonly endLine: number
  readonly endColumn: number
  readonly diagnostic: TsDiagnostic
  /** For `signature` and `generated` problems: the pipeline and task concerned. */
  readonly pipeline?: Pipeline
  readonly task?: Task
}

/**
 * Diagnostics that only `noImplicitAny` raises, and that only say a name or an expression got an
 * implicit `any` (TypeScript 5.9's family 7005…7057; 7016 is an import without declarations).
 * They are filtered out rather than turned off: switching `noImplicitAny` off changes inference
 * (`const rows = []` becomes `never[]` under strict null checks, not an evolving array), and the
 * check would then reject code the project's own `tsc` accepts.
 */
const IMPLICIT_ANY_CODES: ReadonlySet<number> = new Set([
  7005, 7006, 7008, 7009, 7010, 7011, 7012, 7013, 7014, 7015, 7016, 7017, 7018, 7019, 7020, 7022, 7023, 7024, 7025, 7026,
  7031, 7032, 7033, 7034, 7039, 7051, 7052, 7053, 7055, 7057,
])

/** Whether a diagnostic only reports an implicit `any` (the project's style rule, not the spec's). */
function isImplicitAny(d: TsDiagnostic): boolean {
  return IMPLICIT_ANY_CODES.has(d.code)
}

/** Compiler options when a handler has no tsconfig.json above it: strict (implicit any is filtered out, see above). */
function defaultOptions(ts: ts): CompilerOptions {
  return {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    strict: true,
    skipLibCheck: true,
    allowImportingTsExtensions: true,
    esModuleInterop: true,
    noEmit: true,
  }
}

/** The project's compiler options for a handler module (nearest tsconfig.json), emit turned off. */
export function optionsFor(ts: ts, modulePath: string): { key: string; options: CompilerOptions } {
  const config = ts.findConfigFile(dirname(modulePath), ts.sys.fileExists, 'tsconfig.json')
  if (config === undefined) return { key: '', options: defaultOptions(ts) }
  const parsed = ts.getParsedCommandLineOfConfigFile(config, { noEmit: true }, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: () => undefined,
  })
  if (parsed === undefined) return { key: '', options: defaultOptions(ts) }
  const { incremental: _i, composite: _c, tsBuildInfoFile: _t, declaration: _d, declarationMap: _m, emitDeclarationOnly: _e, ...options } = parsed.options
  // Implicit any and unused names are the project's own style rules (its tsc enforces them); they
  // say nothing about the spec, and untyped handlers must pass --typecheck. Unused names can be
  // turned off (that changes no type); implicit any is filtered out instead (isImplicitAny).
  return { key: config, options: { ...options, noEmit: true, noUnusedLocals: false, noUnusedParameters: false } }
}

/** Virtual file names beside the spec, so `apache-arrow` and `@types/node` resolve as for the user's files. */
function virtualPaths(unit: CheckUnit, index: number): { types: string; check: string } {
  const base = join(dirname(unit.pipeline.sourcePath), `__weir_typecheck_${index}_${unit.pipeline.name}`)
  return { types: `${base}.ts`, check: `${base}.check.ts` }
}

/** `./x.ts` → `./x.js`: a specifier every module resolution mode maps back to the TypeScript file. */
function importSpecifier(fromFile: string, toFile: string): string {
  const rel = relative(dirname(fromFile), toFile).split('\\').join('/')
  const js = rel.replace(/\.ts$/, '.js').replace(/\.mts$/, '.mjs').replace(/\.cts$/, '.cjs').replace(/\.tsx$/, '.js')
  return js.startsWith('.') ? js : `./${js}`
}

interface CheckModule {
  readonly text: string
  /** 0-based line of each `conforms(…)` call → its task. */
  readonly lines: ReadonlyMap<number, Task>
}

/**
 * Type helpers of the check module. `Loose<I, H>` is what a plain handler whose first parameter is
 * `H` is checked against: for each input the spec binds, the handler's own type when the two
 * overlap (either is assignable to the other, or the spec's minus undefined), else the spec's type.
 * A handler may so assume more about a loosely declared input, but not read an input the spec does
 * not bind (a required key of `H` missing from `Loose`) nor declare a type that cannot be the spec's.
 */
const CHECK_HELPERS = `type In<F> = F extends (inputs: infer A, ...rest: any[]) => unknown ? A : unknown;
type Overlaps<A, B> = [A] extends [B] ? true : [B] extends [A] ? true : [NonNullable<B>] extends [A] ? true : false;
type Loose<I, H> = unknown extends H ? I : { [K in keyof I]: K extends keyof H ? (Overlaps<H[K], I[K]> extends true ? H[K] : I[K]) : I[K] };`

/**
 * The check module: `conforms("task", <export>)` per task, against the task's handler type with
 * the first parameter loosened as `Loose` describes. Untyped handlers (`any` parameters) always pass.
 */
function checkModule(unit: CheckUnit, tasks: readonly Task[], paths: { types: string; check: string }): CheckModule {
  const modules = [...new Set(tasks.map((t) => t.handler.modulePath))]
  const out = [`import type * as types from ${JSON.stringify(importSpecifier(paths.check, paths.types))};`]
  modules.forEach((m, i) => out.push(`import type * as m${i} from ${JSON.stringify(importSpecifier(paths.check, m))};`))
  out.push(CHECK_HELPERS, 'declare function conforms<F>(task: string, handler: F): void;')
  const lines = new Map<number, Task>()
  for (const task of tasks) {
    const own = unit.names.tasks.get(task.id)!
    const result = own.columns !== undefined ? `types.TableResult<types.${own.columns}>` : `types.${own.output}`
    const handler = `typeof m${modules.indexOf(task.handler.modulePath)}[${JSON.stringify(task.handler.exportName)}]`
    const expected = `(inputs: Loose<types.${own.inputs}, In<${handler}>>, ctx: types.TaskContext<${JSON.stringify(task.id)}>) => ${result} | Promise<${result}>`
    lines.set(out.join('\n').split('\n').length, task)
    out.push(`conforms<${expected}>(${JSON.stringify(task.id)}, null as unknown as ${handler});`)
  }
  return { text: out.join('\n') + '\n', lines }
}

/** Checks a group of pipelines' handlers that share compiler options; returns what the compiler found. */
export function checkGroup(ts: ts, options: CompilerOptions, units: readonly CheckUnit[], modules: ReadonlySet<string>): RawProblem[] {
  const virtual = new Map<string, string>()
  const checks = new Map<string, { unit: CheckUnit; module: CheckModule; types: string }>()
  const fresh = new Map(units.map((u) => [u.pipeline.name, u.generated]))
  units.forEach((unit, index) => {
    const tasks = [...unit.pipeline.tasks.values()].filter((t) => modules.has(t.handler.modulePath))
    if (tasks.length === 0) return
    const paths = virtualPaths(unit, index)
    const module = checkModule(unit, tasks, paths)
    virtual.set(paths.types, unit.generated)
    virtual.set(paths.check, module.text)
    checks.set(paths.check, { unit, module, types: paths.types })
  })
  const program = createProgram(ts, options, [...modules, ...checks.keys()], virtual, fresh)
  const problems: RawProblem[] = []
  for (const file of modules) {
    const source = program.getSourceFile(file)
    if (!source) continue
    for (const d of [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)]) if (!isImplicitAny(d)) problems.push(toRaw('module', d))
  }
  for (const [checkPath, { unit, module, types }] of checks) {
    const generatedSource = program.getSourceFile(types)
    for (const d of generatedSource ? program.getSemanticDiagnostics(generatedSource) : [])
      problems.push({ ...toRaw('generated', d), pipeline: unit.pipeline })
    const source = program.getSourceFile(checkPath)
    if (!source) continue
    for (const d of program.getSemanticDiagnostics(source)) {
      const task = d.start === undefined ? undefined : module.lines.get(source.getLineAndCharacterOfPosition(d.start).line)
      if (task) problems.push(signatureProblem(ts, program, d, unit.pipeline, task))
    }
  }
  return problems
}

/** Serves virtual files, and fresh contents for generated files on disk (so stale ones never mislead). */
function createProgram(ts: ts, options: CompilerOptions, roots: readonly string[], virtual: ReadonlyMap<string, string>, fresh: ReadonlyMap<string, string>): Program {
  const host = ts.createCompilerHost(options, true)
  const readFile = host.readFile.bind(host)
  const read = (fileName: string): string | undefined => {
    const v = virtual.get(fileName)
    if (v !== undefined) return v
    const text = readFile(fileName)
    const pipeline = text === undefined ? undefined : GENERATED_HEADER.exec(text)?.[1]
    return (pipeline !== undefined && fresh.get(pipeline)) || text
  }
  const fileExists = host.fileExists.bind(host)
  host.fileExists = (fileName) => virtual.has(fileName) || fileExists(fileName)
  host.readFile = read
  host.getSourceFile = (fileName, languageVersion, onError) => {
    const text = read(fileName)
    if (text === undefined) {
      onError?.(`Cannot read ${fileName}`)
      return undefined
    }
    return ts.createSourceFile(fileName, text, languageVersion, true)
  }
  return ts.createProgram({ rootNames: roots, options, host })
}

function toRaw(kind: RawProblem['kind'], d: TsDiagnostic): RawProblem {
  const file = d.file
  const start = d.start ?? 0
  const end = start + (d.length ?? 0)
  const from = file ? file.getLineAndCharacterOfPosition(start) : { line: 0, character: 0 }
  const to = file ? file.getLineAndCharacterOfPosition(end) : from
  return {
    kind,
    file: file?.fileName ?? '',
    start,
    end,
    line: from.line + 1,
    column: from.character + 1,
    endLine: to.line + 1,
    endColumn: to.character + 1,
    diagnostic: d,
  }
}

/** Places a signature mismatch on the export's declaration in the handler module. */
function signatureProblem(ts: ts, program: Program, d: TsDiagnostic, pipeline: Pipeline, task: Task): RawProblem {
  const checker = program.getTypeChecker()
  const source = program.getSourceFile(task.handler.modulePath)
  const moduleSymbol = source && checker.getSymbolAtLocation(source)
  let symbol = moduleSymbol && checker.getExportsOfModule(moduleSymbol).find((s) => s.name === task.handler.exportName)
  if (symbol && symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol)
  const declaration = symbol?.declarations?.[0]
  const named = declaration as (import('typescript').Declaration & { name?: import('typescript').Node }) | undefined
  const node = named?.name ?? declaration
  const file = node?.getSourceFile() ?? source
  const start = node && file ? node.getStart(file) : 0
  const end = node ? node.getEnd() : 0
  const from = file ? file.getLineAndCharacterOfPosition(start) : { line: 0, character: 0 }
  const to = file ? file.getLineAndCharacterOfPosition(end) : from
  return {
    kind: 'signature',
    file: file?.fileName ?? task.handler.modulePath,
    start,
    end,
    line: from.line + 1,
    column: from.character + 1,
    endLine: to.line + 1,
    endColumn: to.character + 1,
    diagnostic: d,
    pipeline,
    task,
  }
}
