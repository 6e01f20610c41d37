import { writeFile } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'
import { parseCommandArgs, choice } from '../args.ts'
import { formatHelp, printHelp } from '../help/format-help.ts'
import { GRAPH_HELP } from '../help/graph.ts'
import { CliError, EXIT } from '../errors.ts'
import { readMermaidScript } from '../mermaid-script.ts'
import { loadValidPipeline } from '../report-diagnostics.ts'
import { resolveRunId } from '../resolve-run-id.ts'
import type { Pipeline } from '../../spec/model.ts'
import type { GraphRun } from '../../codegen/graph/run-view.ts'
import { renderMermaid } from '../../codegen/graph/render-mermaid.ts'
import { fromStoredRun } from '../../codegen/graph/run-view.ts'
import { shellWord } from '../shell-word.ts'
import { makeDirs } from '../../plugins/io/make-dirs.ts'

export async function graph(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs('graph', args, {
    format: { type: 'string' },
    out: { type: 'string', short: 'o' },
    run: { type: 'string' },
    'state-dir': { type: 'string' },
    direction: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  })
  if (values.help) return printHelp(GRAPH_HELP)
  const format = choice('graph', 'format', values.format, ['mermaid', 'html'] as const, 'mermaid')
  const direction = choice('graph', 'direction', values.direction, ['LR', 'TB'] as const, 'LR')
  if (positionals.length !== 1) {
    process.stderr.write(positionals.length === 0 ? formatHelp(GRAPH_HELP) : `weir: graph: pass one spec file, not ${positionals.length}.\n`)
    return EXIT.usage
  }
  if (format === 'html' && values.out === undefined && process.stdout.isTTY)
    throw new CliError('graph: --format html writes a whole page; pass --out FILE (e.g. --out graph.html).')
  const specPath = positionals[0]!
  // Drawing needs no handler code, so a missing or unfinished handler module does not block it.
  const pipeline = await loadValidPipeline('graph', specPath, { checkHandlers: false })
  const stateDir = values['state-dir'] ?? '.weir'
  const runId = values.run === undefined ? undefined : await resolveRunId('graph', values.run, pipeline.name, resolve(stateDir), { shownStateDir: stateDir, runCommand: `weir run ${shellWord(specPath)}` })
  const run = runId === undefined ? undefined : await loadGraphRun(resolve(stateDir), runId, pipeline.name)
  const text = format === 'mermaid' ? renderMermaid(pipeline, { direction, ...(run && { run }) }) : await renderHtml(pipeline, specPath, direction, run)
  if (values.out === undefined) {
    process.stdout.write(text)
    return EXIT.ok
  }
  await writeOut(values.out, text)
  process.stdout.write(`Wrote ${values.out} (${format}, ${pipeline.tasks.size} task${pipeline.tasks.size === 1 ? '' : 's'}${run ? `, run ${run.runId}` : ''}).\n`)
  return EXIT.ok
}

async function renderHtml(pipeline: Pipeline, specPath: string, direction: 'LR' | 'TB', run: GraphRun | undefined): Promise<string> {
  // Mermaid's browser bundle is 3.5 MB; it is read only here, and the renderer stays pure.
  const mermaidScript = await readMermaidScript()
  const { renderGraphHtml } = await import('../../codegen/graph/render-html.ts')
  return renderGraphHtml(pipeline, { mermaidScript, specLabel: specPath, direction, ...(run && { run }) })
}

async function writeOut(path: string, text: string): Promise<void> {
  try {
    await makeDirs(dirname(resolve(path)))
    await writeFile(path, text)
  } catch (error) {
    throw new CliError(`graph: cannot write '${path}': ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}; choose another --out path.`)
  }
}

/**
 * Reads one run from the run store under `stateDir`, refusing a run of another pipeline (its task
 * ids would not match the drawing).
 */
async function loadGraphRun(stateDir: string, runId: string, pipelineName: string): Promise<GraphRun> {
  const { loadRun } = await import('../../runtime/run-store/read-runs.ts')
  const record = await loadRun(stateDir, runId)
  if (!record) throw new CliError(`graph: no run '${runId}' in the run store '${stateDir}'; 'weir runs' lists the runs (or pass --state-dir).`)
  if (record.pipeline !== pipelineName)
    throw new CliError(`graph: run '${runId}' is a run of pipeline '${record.pipeline}', not '${pipelineName}'; pass that pipeline's spec.`)
  return fromStoredRun(record)
}
