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
import type { Diagnostic } from '../spec/diagnostics.ts'
import type { Pipeline } from '../spec/model.ts'

export async function addTargetReports(reports: readonly FileReport[], target: string, plugins: PluginCatalog): Promise<FileReport[]> {
  // The same message as every choice option, with its suggestion for a misspelt one (args.ts).
  choice('spec validate', 'target', target, [...builtinTargets.map((t) => t.type), 'all'], 'all')
  const { checkTargets } = await import('../plugins/targets/check-targets.ts')
  return Promise.all(
    reports.map(async (report) => {
      if (hasErrors(report.diagnostics)) return report
      const { pipeline } = await validateSpecFile(report.path, { plugins })
      if (!pipeline) return report
      const extra = [...unconfigured(pipeline, target), ...(await checkTargets(pipeline, builtinTargets, target))]
      if (extra.length === 0) return report
      const text = report.text ?? (await readSpecText(report.path))
      return { ...report, diagnostics: sortDiagnostics([...report.diagnostics, ...extra]), ...(text !== undefined && { text }) }
    }),
  )
}

/**
 * A warning when `--target` names a target the pipeline has no settings for (or `all`, and it has
 * none): its checks run only against a `targets.<name>` block, so without one nothing was checked,
 * and a CI step reading "No problems" would be told nothing (`weir codegen --target` refuses it).
 */
function unconfigured(pipeline: Pipeline, target: string): Diagnostic[] {
  if (target === 'all' ? Object.keys(pipeline.targets).length > 0 : Object.hasOwn(pipeline.targets, target)) return []
  const what = target === 'all' ? "has no 'targets' block" : `has no 'targets.${target}' block`
  const add = target === 'all' ? 'a targets block (docs/targets.md)' : `'targets: { ${target}: { … } }' (docs/targets.md)`
  return [
    {
      severity: 'warning',
      code: 'TARGET_CONFIG',
      message: `Pipeline '${pipeline.name}' ${what}, so nothing was checked for ${target === 'all' ? 'any target' : target}; add ${add} to check what the engine cannot express, or leave out --target.`,
      pointer: '',
      line: 1,
      column: 1,
    },
  ]
}

