/**
 * Showing diagnostics on stderr for commands other than `spec validate` (which owns stdout), and
 * loading a spec that must be valid before a command can go on.
 */
import type { Diagnostic } from '../spec/diagnostics.ts'
import type { Pipeline } from '../spec/model.ts'
import { validateSpecFile } from '../spec/validate.ts'
import { readSpecText } from '../spec/read-spec-text.ts'
import type { ValidateOptions } from '../spec/validate.ts'
import { builtinCatalog } from '../plugins/catalog.ts'
import { createPalette, shouldColor } from './colors.ts'
import { CliError } from './errors.ts'
import { checkSpecFile } from './check-spec-file.ts'
import { formatText } from './format-diagnostics.ts'
import { shellWord } from './shell-word.ts'
import type { FileReport } from './format-diagnostics.ts'

/** A report with the file's text attached, so the text format can show the source line. */
export async function fileReport(path: string, diagnostics: readonly Diagnostic[]): Promise<FileReport> {
  const text = await readSpecText(path)
  return { path, diagnostics, ...(text !== undefined && { text }) }
}

/** Prints reports in the text format on stderr, coloured when stderr is a terminal. */
export function printReports(reports: readonly FileReport[]): void {
  if (reports.length > 0) process.stderr.write(formatText(reports, createPalette(shouldColor(process.stderr))))
}

/**
 * Validates a spec file with the built-in plugins; a path that is not a file, or an invalid spec
 * (its diagnostics printed first), is a usage error (exit 2). Warnings are `spec validate`'s
 * business and are not shown.
 */
export async function loadValidPipeline(command: string, specPath: string, options: Pick<ValidateOptions, 'checkHandlers'> = {}): Promise<Pipeline> {
  await checkSpecFile(command, specPath)
  const { pipeline, diagnostics } = await validateSpecFile(specPath, { ...options, plugins: builtinCatalog() })
  if (pipeline) return pipeline
  printReports([await fileReport(specPath, diagnostics)])
  throw new CliError(`${command}: '${specPath}' is not a valid spec; fix the errors above (weir spec validate ${shellWord(specPath)}).`)
}
