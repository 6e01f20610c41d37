import { mkdir, writeFile } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'
import { parseCommandArgs, choice } from '../args.ts'
import { CliError, EXIT } from '../errors.ts'
import { readMermaidScript } from '../mermaid-script.ts'
import { loadValidPipeline } from '../report-diagnostics.ts'
import type { Pipeline } from '../../spec/model.ts'
import type { GraphRun } from '../../codegen/graph/run-view.ts'
import { renderMermaid } from '../../codegen/graph/render-mermaid.ts'
import { fromStoredRun } from '../../codegen/graph/run-view.ts'

const USAGE = `Usage: weir graph SPEC [--format mermaid|html] [--out FILE] [--run RUN_ID] [--state-dir DIR] [--direction LR|TB]

Draws the pipeline's task graph.
  --format     mermaid (default: Mermaid flowchart text) or html (one self-contained page)
  --out        write to FILE instead of standard output (needed for html on a terminal)
  --run        colour tasks by their status in this run (or 'latest': the newest run of this
               pipeline), with attempts and duration
  --state-dir  where the run store lives (default: .weir in the current folder)
  --direction  LR (default, left to right) or TB (top to bottom)
Exit: 0 drawn, 2 usage error, invalid spec or unknown run.
`

export async function graph(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs('graph', args, {
    format: { type: 'string' },
    out: { type: 'string', short: 'o' },
    run: { type: 'string' },
    'state-dir': { type: 'string' },
    direction: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  })
  if (values.help) {
    process.stdout.write(USAGE)
    return EXIT.ok
  }
  const format = choice('graph', 'format', values.format, ['mermaid', 'html'] as const, 'mermaid')
  const direction = choice('graph', 'direction', values.direction, ['LR', 'TB'] as const, 'LR')
  if (positionals.length !== 1) {
    process.stderr.write(positionals.length === 0 ? USAGE : `weir: graph: pass one spec file, not ${positionals.length}.\n`)
    return EXIT.usage
  }
  if (format === 'html' && values.out === undefined && process.stdout.isTTY)
    throw new CliError('graph: --format html writes a whole page; pass --out FILE (e.g. --out graph.html).')
  const specPath = positionals[0]!
  // Drawing needs no handler code, so a missing or unfinished handler module does not block it.
  const pipeline = await loadValidPipeline('graph', specPath, { checkHandlers: false })
  const run = values.run === undefined ? undefined : await loadGraphRun(resolve(values['state-dir'] ?? '.weir'), values.run, pipeline.name)
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
    await mkdir(dirname(resolve(path)), { recursive: true })
    await writeFile(path, text)
  } catch (error) {
    throw new CliError(`graph: cannot write '${path}': ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}; choose another --out path.`)
  }
}

/**
 * Reads one run from the run store under `stateDir`, refusing a run of another pipeline (its task
 * ids would not match the drawing).
 */
async function loadGraphRun(stateDir: string, runArg: string, pipelineName: string): Promise<GraphRun> {
  const { listRuns, loadRun } = await import('../../runtime/run-store/read-runs.ts')
  let runId = runArg
  if (runArg === 'latest') {
    const [newest] = await listRuns(stateDir, { pipeline: pipelineName, limit: 1 })
    if (!newest) throw new CliError(`graph: no runs of pipeline '${pipelineName}' in the run store '${stateDir}'; run it first (weir run) or pass --state-dir.`)
    runId = newest.runId
  }
  const record = await loadRun(stateDir, runId)
  if (!record) throw new CliError(`graph: no run '${runId}' in the run store '${stateDir}'; 'weir runs' lists the runs (or pass --state-dir).`)
  if (record.pipeline !== pipelineName)
    throw new CliError(`graph: run '${runId}' is a run of pipeline '${record.pipeline}', not '${pipelineName}'; pass that pipeline's spec.`)
  return fromStoredRun(record)
}
