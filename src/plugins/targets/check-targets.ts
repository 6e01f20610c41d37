/**
 * Runs the capability checks of remote targets (`TargetPlugin.check`) for a pipeline and places each
 * finding in the spec's text, so `weir codegen` and `weir spec validate --target` show them with a
 * line and column like any other diagnostic.
 */
import { readFile } from 'node:fs/promises'
import type { Pipeline } from '../../spec/model.ts'
import type { Diagnostic } from '../../spec/diagnostics.ts'
import { sortDiagnostics } from '../../spec/diagnostics.ts'
import { parseSpecText, rangeOfFinding } from '../../spec/parse.ts'
import type { TargetPlugin } from '../types.ts'

/**
 * Diagnostics of the named targets the pipeline configures (`all`: every one it configures).
 * Targets without a `check` report nothing.
 */
export async function checkTargets(pipeline: Pipeline, plugins: readonly TargetPlugin<never>[], target: string): Promise<Diagnostic[]> {
  const selected = plugins.filter((p) => Object.hasOwn(pipeline.targets, p.type) && (target === 'all' || target === p.type))
  const findings = selected.flatMap((p) => (p.check?.(pipeline, pipeline.targets[p.type] as never) ?? []))
  if (findings.length === 0) return []
  const parsed = parseSpecText(await readFile(pipeline.sourcePath, 'utf8'))
  if (!parsed.ok) return []
  const { spec } = parsed
  return sortDiagnostics(
    findings.map((f) => {
      const range = rangeOfFinding(spec, f)
      const start = spec.lineCounter.linePos(range.start)
      const end = spec.lineCounter.linePos(Math.max(range.start, range.end))
      return { severity: f.severity, code: f.code, message: f.message, pointer: f.pointer, line: start.line, column: start.col, endLine: end.line, endColumn: end.col }
    }),
  )
}
