/**
 * `weir spec validate --target NAME|all`: adds what the remote targets cannot express
 * (TARGET_UNSUPPORTED, with positions) to the reports of specs that are otherwise valid.
 */
import { readSpecText } from '../spec/read-spec-text.ts'
import type { FileReport } from './format-diagnostics.ts'
import { choice } from './args.ts'
import { hasErrors, sortDiagnostics } from '../spec/diagnostics.ts'
import type { PluginCatalog } from '../spec/validate.ts'
import { validateSpecFile } from '../spec/validate.ts'
import { builtinTargets } from '../plugins/builtins.ts'

export async function addTargetReports(reports: readonly FileReport[], target: string, plugins: PluginCatalog): Promise<FileReport[]> {
  // The same message as every choice option, with its suggestion for a misspelt one (args.ts).
  choice('spec validate', 'target', target, [...builtinTargets.map((t) => t.type), 'all'], 'all')
  const { checkTargets } = await import('../plugins/targets/check-targets.ts')
  return Promise.all(
    reports.map(async (report) => {
      if (hasErrors(report.diagnostics)) return report
      const { pipeline } = await validateSpecFile(report.path, { plugins })
      if (!pipeline) return report
      const extra = await checkTargets(pipeline, builtinTargets, target)
      if (extra.length === 0) return report
      const text = report.text ?? (await readSpecText(report.path))
      return { ...report, diagnostics: sortDiagnostics([...report.diagnostics, ...extra]), ...(text !== undefined && { text }) }
    }),
  )
}
