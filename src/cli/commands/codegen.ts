import { readFile, writeFile } from 'node:fs/promises'
import { dirname, join, relative, resolve } from 'node:path'
import { choice, parseCommandArgs } from '../args.ts'
import { formatHelp, printHelp } from '../help/format-help.ts'
import { CODEGEN_HELP } from '../help/codegen.ts'
import { CliError, EXIT } from '../errors.ts'
import { findSpecFiles } from '../find-specs.ts'
import { fileReport, printReports } from '../report-diagnostics.ts'
import type { FileReport } from '../format-diagnostics.ts'
import { validateSpecFile } from '../../spec/validate.ts'
import { hasErrors } from '../../spec/diagnostics.ts'
import type { Pipeline } from '../../spec/model.ts'
import { builtinCatalog } from '../../plugins/catalog.ts'
import { builtinTargets } from '../../plugins/builtins.ts'
import { generateFiles, ALL_TARGETS, TYPES_TARGET } from '../../codegen/generate-files.ts'
import type { PlannedFile } from '../../codegen/generate-files.ts'
import { makeDirs } from '../../plugins/io/make-dirs.ts'

interface Output {
  readonly file: PlannedFile
  /** Where it goes, as shown to the user (under --out as given). */
  readonly shown: string
  readonly absolute: string
}

export async function codegen(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs('codegen', args, {
    target: { type: 'string' },
    out: { type: 'string' },
    check: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  })
  if (values.help) return printHelp(CODEGEN_HELP)
  const target = choice('codegen', 'target', values.target, [TYPES_TARGET, ALL_TARGETS, ...builtinTargets.map((t) => t.type)], TYPES_TARGET)
  if (positionals.length === 0 && values.out === undefined) {
    process.stderr.write(formatHelp(CODEGEN_HELP))
    return EXIT.usage
  }
  if (values.out === undefined)
    throw new CliError(`codegen: --out is missing: the folder to write into, e.g. 'weir codegen ${positionals.join(' ')} --out src/generated'.`)
  if (positionals.length === 0) throw new CliError(`codegen: pass the spec files or folders to generate from, e.g. 'weir codegen pipelines/ --out ${values.out}'.`)
  const outDir = values.out
  const pipelines = await validateAll(await findSpecFiles(positionals, 'codegen'), target !== TYPES_TARGET)
  if (!pipelines) return EXIT.usage
  if (!(await reportTargetProblems(pipelines, target))) return EXIT.usage
  const outputs = await planOutputs(pipelines, target, outDir)
  if (values.check) return checkOutputs(outputs, args)
  await writeOutputs(outputs)
  return EXIT.ok
}

/**
 * Validates every spec; prints the diagnostics of invalid ones and returns undefined if any is.
 * Types alone are generated without looking at the handler modules: a new task's types are what
 * its handler is written against, so its export cannot exist yet (it made codegen refuse, and the
 * handler could not be typed before it was written). Job definitions need the handlers checked.
 */
async function validateAll(paths: readonly string[], checkHandlers: boolean): Promise<Pipeline[] | undefined> {
  const catalog = builtinCatalog()
  const results = await Promise.all(paths.map(async (path) => ({ path, ...(await validateSpecFile(path, { plugins: catalog, checkHandlers })) })))
  const invalid: FileReport[] = []
  for (const r of results) {
    if (!hasErrors(r.diagnostics)) continue
    invalid.push(await fileReport(r.path, r.diagnostics.filter((d) => d.severity === 'error')))
  }
  if (invalid.length > 0) {
    printReports(invalid)
    process.stderr.write(`weir: codegen: ${invalid.length === 1 ? 'a spec is' : `${invalid.length} specs are`} invalid; fix ${invalid.length === 1 ? 'it' : 'them'} first (nothing was generated).\n`)
    return undefined
  }
  return results.map((r) => r.pipeline!)
}

/**
 * What the selected targets cannot express (TARGET_UNSUPPORTED): warnings are shown and generation
 * goes on; an error (the meaning would change) stops it. Returns false when there is an error.
 */
async function reportTargetProblems(pipelines: readonly Pipeline[], target: string): Promise<boolean> {
  if (target === TYPES_TARGET) return true
  const { checkTargets } = await import('../../plugins/targets/check-targets.ts')
  const reports: FileReport[] = []
  for (const pipeline of pipelines) {
    const diagnostics = await checkTargets(pipeline, builtinTargets, target)
    if (diagnostics.length === 0) continue
    reports.push({ ...(await fileReport(pipeline.sourcePath, diagnostics)), path: relative('.', pipeline.sourcePath) })
  }
  printReports(reports)
  const failed = reports.some((r) => hasErrors(r.diagnostics))
  if (failed) process.stderr.write(`weir: codegen: the ${target === ALL_TARGETS ? 'targets cannot' : `target '${target}' cannot`} express part of the spec (errors above); nothing was generated.\n`)
  return !failed
}

async function planOutputs(pipelines: readonly Pipeline[], target: string, outDir: string): Promise<Output[]> {
  const outputs: Output[] = []
  const owners = new Map<string, Pipeline>()
  for (const pipeline of pipelines) {
    const specPath = relative(resolve(outDir), pipeline.sourcePath).split('\\').join('/')
    let files: PlannedFile[]
    try {
      files = await generateFiles(pipeline, { target, plugins: builtinTargets, specPath })
    } catch (error) {
      if (isCodegenProblem(error)) throw new CliError(`codegen: ${relative('.', pipeline.sourcePath)}: ${error.message}`)
      throw error
    }
    for (const file of files) {
      const absolute = resolve(outDir, file.path)
      const owner = owners.get(absolute)
      // Two specs of one name collide most often: the names alone would read "'tg' and 'tg'".
      if (owner !== undefined)
        throw new CliError(`codegen: pipeline '${owner.name}' (${relative('.', owner.sourcePath)}) and pipeline '${pipeline.name}' (${relative('.', pipeline.sourcePath)}) both generate '${join(outDir, file.path)}'; give them different names or generate them into different folders.`)
      owners.set(absolute, pipeline)
      outputs.push({ file, shown: join(outDir, file.path), absolute })
    }
  }
  return outputs
}

function isCodegenProblem(error: unknown): error is Error & { code: string } {
  const code = (error as { code?: unknown } | null)?.code
  return error instanceof Error && (code === 'TARGET_UNAVAILABLE' || code === 'TARGET_NOT_CONFIGURED')
}

/** `--check`: compares, writes nothing, lists what is stale. */
async function checkOutputs(outputs: readonly Output[], args: readonly string[]): Promise<number> {
  let stale = 0
  for (const { file, shown, absolute } of outputs) {
    const current = await readFile(absolute, 'utf8').catch(() => undefined)
    if (current === file.contents) continue
    stale++
    process.stdout.write(`${current === undefined ? 'missing' : 'stale'}: ${shown} (${file.target})\n`)
  }
  const total = `${outputs.length} generated file${outputs.length === 1 ? '' : 's'}`
  if (stale === 0) {
    process.stdout.write(`${total} up to date.\n`)
    return EXIT.ok
  }
  const rerun = ['weir', 'codegen', ...args.filter((a) => a !== '--check')].map(quoteArg).join(' ')
  process.stdout.write(`${stale} of ${total} ${stale === 1 ? 'is' : 'are'} stale; run '${rerun}' to update.\n`)
  return EXIT.failed
}

/** Writes files whose contents changed (unchanged files keep their timestamps). */
async function writeOutputs(outputs: readonly Output[]): Promise<void> {
  let written = 0
  for (const { file, shown, absolute } of outputs) {
    if ((await readFile(absolute, 'utf8').catch(() => undefined)) === file.contents) continue
    try {
      await makeDirs(dirname(absolute))
      await writeFile(absolute, file.contents)
    } catch (error) {
      throw new CliError(`codegen: cannot write '${shown}': ${(error as Error).message}; check --out.`)
    }
    written++
    process.stdout.write(`wrote ${shown} (${file.target})\n`)
  }
  const unchanged = outputs.length - written
  process.stdout.write(`${written} file${written === 1 ? '' : 's'} written${unchanged > 0 ? `, ${unchanged} unchanged` : ''}.\n`)
}

function quoteArg(arg: string): string {
  return /^[\w./:=@-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`
}
