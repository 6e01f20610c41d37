import { parseCommandArgs, choice } from '../args.ts'
import { formatHelp, printHelp } from '../help/format-help.ts'
import { SPEC_VALIDATE_HELP } from '../help/spec-validate.ts'
import { CliError, EXIT } from '../errors.ts'
import { escapeControls } from '../escape-controls.ts'
import { findSpecFiles } from '../find-specs.ts'
import { formatGithub, formatJson, formatText } from '../format-diagnostics.ts'
import type { FileReport } from '../format-diagnostics.ts'
import { createPalette, shouldColor } from '../colors.ts'
import { validateFiles } from '../validate-files.ts'
import { stdoutIsFileOrPipe, writeOutput } from '../write-output.ts'
import { builtinCatalog } from '../../plugins/catalog.ts'
import { readSpecText } from '../../spec/read-spec-text.ts'

export async function specValidate(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs('spec validate', args, {
    format: { type: 'string' },
    strict: { type: 'boolean' },
    typecheck: { type: 'boolean' },
    target: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  })
  if (values.help) return printHelp(SPEC_VALIDATE_HELP)
  const format = choice('spec validate', 'format', values.format, ['text', 'json', 'github'] as const, 'text')
  if (positionals.length === 0) {
    process.stderr.write(formatHelp(SPEC_VALIDATE_HELP))
    return EXIT.usage
  }
  const files = await findSpecFiles(positionals, 'spec validate', noteLinkedFolders)
  // A CI step pointed at the wrong (or an emptied) folder must not pass for having checked nothing.
  if (files.length === 0)
    throw new CliError(
      `spec validate: no pipeline specs in ${positionals.map((p) => `'${p}'`).join(', ')}: inside folders, a spec is a .yaml, .yml or .json file with 'kind: Pipeline' or 'apiVersion: weir/...' in its first 4 KB; name a file to check it whatever it holds.`,
    )
  const catalog = builtinCatalog()
  const results = await validateFiles(files, catalog)
  let reports: FileReport[] = await Promise.all(
    files.map(async (path, i) => {
      const diagnostics = results[i]!
      const text = format === 'text' && diagnostics.length > 0 ? await readSpecText(path) : undefined
      return { path, diagnostics, ...(text !== undefined && { text }) }
    }),
  )
  if (values.typecheck) reports = await (await import('../../codegen/typecheck.ts')).typecheckReports(reports, { plugins: catalog })
  if (values.target !== undefined) reports = await (await import('../target-reports.ts')).addTargetReports(reports, values.target, catalog)
  const out = format === 'json' ? formatJson(reports, values.strict === true) : format === 'github' ? formatGithub(reports) : formatText(reports, createPalette(shouldColor(stdoutIsFileOrPipe() ? { isTTY: false } : process.stdout)))
  writeOutput(out)
  const failed = reports.some((r) => r.diagnostics.some((d) => d.severity === 'error' || values.strict))
  return failed ? EXIT.failed : EXIT.ok
}

/** Links to folders are not searched (find-specs.ts): said once, so that a spec behind one is not missed without a word. */
function noteLinkedFolders(links: readonly string[]): void {
  const shown = links.slice(0, MAX_LINKS_NAMED).map((l) => `'${escapeControls(l)}'`).join(', ')
  const more = links.length > MAX_LINKS_NAMED ? ` (and ${links.length - MAX_LINKS_NAMED} more)` : ''
  const line = links.length === 1
    ? `${shown} is a symbolic link to a folder, which is not searched; name it to check the specs in it.`
    : `${shown}${more} are symbolic links to folders, which are not searched; name one to check the specs in it.`
  process.stderr.write(`spec validate: ${line}\n`)
}

const MAX_LINKS_NAMED = 5
