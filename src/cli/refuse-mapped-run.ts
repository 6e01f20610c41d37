/**
 * `weir run` of a spec with a mapped task (`foreach:`): refused with exit 2 and a diagnostic at the
 * task's `foreach`, until local runs of mapped tasks are wired in (docs/fan-out.md).
 */
import { readFile } from 'node:fs/promises'
import type { Pipeline } from '../spec/model.ts'
import type { Diagnostic } from '../spec/diagnostics.ts'
import { mappedTasks } from '../runtime/map/refuse-mapped.ts'
import { CliError } from './errors.ts'
import { printReports } from './report-diagnostics.ts'

export async function refuseMappedRun(command: string, specPath: string, pipeline: Pipeline): Promise<void> {
  const mapped = mappedTasks(pipeline)
  if (mapped.length === 0) return
  const text = await readFile(specPath, 'utf8')
  const { parseSpecText, rangeOfFinding } = await import('../spec/parse.ts')
  const parsed = parseSpecText(text)
  const diagnostics = mapped.map((id): Diagnostic => {
    const pointer = pipeline.tasks.get(id)!.foreach!.pointer
    const message = `Task '${id}' is mapped over a list, and this version of weir cannot run mapped tasks locally yet; remove 'foreach' to run it once (see docs/fan-out.md).`
    if (!parsed.ok) return { severity: 'error', code: 'MAP_NOT_SUPPORTED', message, pointer, line: 1, column: 1 }
    const range = rangeOfFinding(parsed.spec, { code: 'MAP_NOT_SUPPORTED', pointer, message })
    const start = parsed.spec.lineCounter.linePos(range.start)
    return { severity: 'error', code: 'MAP_NOT_SUPPORTED', message, pointer, line: start.line, column: start.col }
  })
  printReports([{ path: specPath, diagnostics, text }])
  throw new CliError(`${command}: '${specPath}' has ${mapped.length === 1 ? 'a mapped task' : `${mapped.length} mapped tasks`}, which weir cannot run locally yet.`)
}
