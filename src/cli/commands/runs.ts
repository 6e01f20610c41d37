/**
 * `weir runs` lists the run store; `weir runs show RUN_ID` shows one run: every task, its attempts,
 * errors and the tail of its log; `weir runs gc` removes what killed processes left behind.
 */
import { statSync } from 'node:fs'
import type { Stats } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { join, relative } from 'node:path'
import { parseCommandArgs } from '../args.ts'
import { printHelp } from '../help/format-help.ts'
import { RUNS_HELP } from '../help/runs.ts'
import { CliError, EXIT } from '../errors.ts'
import { escapeControls } from '../escape-controls.ts'
import { quoteValue } from '../quote-value.ts'
import { describeMissingPath } from '../describe-missing-path.ts'
import { checkPipelineOption } from '../check-id-options.ts'
import { createPalette, shouldColor } from '../colors.ts'
import type { Palette } from '../colors.ts'
import { formatDuration } from '../../spec/duration.ts'
import type { RunRecord, RunSummary, TaskRecord } from '../../runtime/run-store/records.ts'
import { failedItemLines, itemCountsOf } from '../display/map-items.ts'

export async function runs(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs('runs', args, {
    json: { type: 'boolean' },
    pipeline: { type: 'string' },
    limit: { type: 'string' },
    lines: { type: 'string' },
    'state-dir': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  })
  if (values.help) return printHelp(RUNS_HELP)
  checkPipelineOption(positionals[0] === 'show' ? 'runs show' : 'runs', values.pipeline)
  const stateDir = values['state-dir'] ?? '.weir'
  await checkStateDir(positionals[0] === 'show' || positionals[0] === 'gc' ? `runs ${positionals[0]}` : 'runs', stateDir, values['state-dir'] === undefined ? 'the state dir' : '--state-dir')
  const store = await import('../../runtime/index.ts')
  const palette = createPalette(!values.json && shouldColor(process.stdout))
  if (positionals[0] === 'show') {
    if (positionals.length !== 2) throw new CliError("runs show: expected one RUN_ID; 'weir runs' lists them.")
    const runId = positionals[1] === 'latest' ? await newestRunId(store, stateDir, values.pipeline) : positionals[1]!
    const run = await store.loadRun(stateDir, runId)
    if (!run) throw new CliError(`runs show: no run '${runId}' in '${stateDir}'; 'weir runs' lists the runs there.`)
    if (values.json) process.stdout.write(JSON.stringify(run) + '\n')
    else process.stdout.write(await formatRun(run, positiveInt('lines', values.lines, 20), palette))
    return EXIT.ok
  }
  if (positionals[0] === 'gc') {
    if (positionals.length !== 1) throw new CliError(`runs gc: unexpected '${positionals[1]}'; it cleans the whole state dir (--state-dir).`)
    return collectGarbage(stateDir, values.json === true)
  }
  if (positionals.length > 0) throw new CliError(`runs: unexpected '${positionals[0]}'; use 'weir runs', 'weir runs show RUN_ID' or 'weir runs gc'.`)
  const list = await store.listRuns(stateDir, { ...(values.pipeline !== undefined && { pipeline: values.pipeline }), limit: positiveInt('limit', values.limit, 50) })
  if (values.json) process.stdout.write(JSON.stringify(list.map((r) => ({ runId: r.runId, pipeline: r.pipeline, status: r.status, trigger: r.trigger, startedAt: r.startedAt }))) + '\n')
  else process.stdout.write(formatList(list, stateDir, palette))
  return EXIT.ok
}

/**
 * A state dir that is missing holds no runs yet; one that is not a folder is a mistake to say, rather than
 * answer "no runs" (or "nothing to remove") about a folder that is not there.
 */
async function checkStateDir(command: string, stateDir: string, named: string): Promise<void> {
  let info: Stats | undefined
  try {
    info = statSync(stateDir, { throwIfNoEntry: false })
  } catch (error) {
    throw new CliError(`${command}: ${named} ${await describeMissingPath(stateDir, 'the state dir your runs use (the default is .weir)', error)}`)
  }
  if (info && !info.isDirectory()) throw new CliError(`${command}: ${named} ${quoteValue(stateDir)} is not a folder; pass the state dir your runs use (the default is .weir).`)
}

async function collectGarbage(stateDir: string, json: boolean): Promise<number> {
  const { collectGarbage } = await import('../../runtime/run-store/collect-garbage.ts')
  const { removed, forgottenProcesses, removedRuns } = await collectGarbage(stateDir)
  if (json) {
    process.stdout.write(JSON.stringify({ removed, forgottenProcesses, removedRuns }) + '\n')
    return EXIT.ok
  }
  const shown = (path: string): string => relative(process.cwd(), path) || path
  const lines = removed.map((f) => `removed ${shown(f.path)} (${formatBytes(f.bytes)})\n`)
  lines.push(...removedRuns.map((dir) => `removed ${shown(dir)} (a run folder without a journal header: its process died creating it)\n`))
  const total = removed.reduce((sum, f) => sum + f.bytes, 0)
  const parts = [
    removed.length === 0 ? '' : `${removed.length} temp file${removed.length === 1 ? '' : 's'} of dead writers (${formatBytes(total)})`,
    forgottenProcesses === 0 ? '' : `${forgottenProcesses} record${forgottenProcesses === 1 ? '' : 's'} of task processes that are gone`,
    removedRuns.length === 0 ? '' : `${removedRuns.length} run folder${removedRuns.length === 1 ? '' : 's'} without a journal header`,
  ].filter(Boolean)
  lines.push(
    parts.length === 0
      ? `Nothing to remove in '${stateDir}': no temp files of dead writers, no records of task processes that are gone, no run folders without a journal header.\n`
      : `Removed ${parts.length === 1 ? parts[0] : `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}`} from '${stateDir}'.\n`,
  )
  process.stdout.write(lines.join(''))
  return EXIT.ok
}

/** `runs show latest`: the newest run in the store (of `pipeline` when given), as `weir runs` lists it first. */
async function newestRunId(store: typeof import('../../runtime/index.ts'), stateDir: string, pipeline: string | undefined): Promise<string> {
  const [newest] = await store.listRuns(stateDir, { pipeline, limit: 1 })
  if (!newest) throw new CliError(`runs show: no runs${pipeline === undefined ? '' : ` of pipeline '${pipeline}'`} in '${stateDir}' yet; start one with 'weir run SPEC' or pass --state-dir.`)
  return newest.runId
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`
}

function positiveInt(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback
  // Decimal digits as written: Number() would also take '1e3', '0x10' and ' 5'.
  const n = /^\d+$/.test(value) ? Number(value) : NaN
  if (!Number.isSafeInteger(n) || n < 1) throw new CliError(`runs: --${name} must be a whole number of 1 or more, not '${value}'.`)
  return n
}

const statusColor = (status: string, p: Palette): string =>
  status === 'succeeded' ? p.green(status) : status === 'failed' || status === 'interrupted' ? p.red(status) : status === 'cancelled' ? p.yellow(status) : p.cyan(status)

function formatList(list: readonly RunSummary[], stateDir: string, p: Palette): string {
  if (list.length === 0) return `No runs in '${stateDir}' yet; start one with 'weir run SPEC'.\n`
  const rows = list.map((r) => [
    r.runId,
    r.pipeline,
    r.status,
    r.trigger,
    r.startedAt.replace('T', ' ').slice(0, 19),
    r.durationMs !== undefined ? formatDuration(r.durationMs) : '',
    Object.entries(r.taskCounts).map(([s, n]) => `${n} ${s}`).join(', '),
  ])
  const head = ['RUN ID', 'PIPELINE', 'STATUS', 'TRIGGER', 'STARTED (UTC)', 'TOOK', 'TASKS']
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)))
  const line = (cells: string[], color = false): string =>
    cells.map((c, i) => (color && i === 2 ? statusColor(c, p) + ' '.repeat(widths[i]! - c.length) : c.padEnd(widths[i]!))).join('  ').trimEnd()
  return [p.bold(line(head)), ...rows.map((r) => line(r, true))].join('\n') + '\n'
}

async function formatRun(run: RunRecord, logLines: number, p: Palette): Promise<string> {
  const took = run.finishedAt !== undefined ? ` in ${formatDuration(run.finishedAt - run.startedAt)}` : ''
  const out = [
    `${p.bold(`Run ${run.runId}`)} of ${run.pipeline}: ${statusColor(run.status, p)}${took}`,
    `  started   ${new Date(run.startedAt).toISOString()} (${run.trigger}${run.scheduledAt ? `, scheduled for ${run.scheduledAt}` : ''}${run.resumedFrom ? `, resumes ${run.resumedFrom}` : ''})`,
    `  spec      ${run.sourcePath} (sha256 ${run.specHash.slice(0, 12)})`,
    `  params    ${JSON.stringify(run.params)}`,
    '',
  ]
  for (const id of run.taskOrder) {
    const t = run.tasks[id]
    if (t) out.push(...(await formatTask(t, run, logLines, p)))
  }
  return out.join('\n') + '\n'
}

async function formatTask(t: TaskRecord, run: RunRecord, logLines: number, p: Palette): Promise<string[]> {
  const took = t.startedAt !== undefined && t.finishedAt !== undefined ? ` in ${formatDuration(t.finishedAt - t.startedAt)}` : ''
  const extra = t.reusedFrom ? ` (reused from run ${t.reusedFrom})` : t.skipReason ? ` (${t.skipReason.replace('_', ' ')})` : ''
  // A cache hit is succeeded (trigger rules, counts), but what the user wants to know is that it did not run.
  const status = t.status === 'succeeded' && t.cachedFrom ? `${p.green('cached')} from run ${t.cachedFrom.runId}` : statusColor(t.status, p)
  const lines = [`${p.bold(t.id)}: ${status}${took}${extra}`]
  if (t.output) lines.push(`  output  ${t.output.uri}`)
  if (t.values && Object.keys(t.values).length > 0) lines.push(`  values  ${JSON.stringify(t.values)}`)
  if (t.items) {
    lines.push(`  items   ${itemCountsOf(t.items)}`)
    for (const line of failedItemLines(t.items, 20)) lines.push(`    ${escapeControls(line)}`)
  }
  for (const a of t.attempts) {
    const span = a.finishedAt !== undefined ? formatDuration(a.finishedAt - a.startedAt) : ''
    const err = a.error ? `: ${escapeControls(a.error.code)} (${a.error.origin}): ${escapeControls(a.error.message)}` : ''
    lines.push(`  attempt ${a.attempt}  ${a.status} ${span}${err}${a.retryDelayMs !== undefined ? p.dim(` (retried after ${formatDuration(a.retryDelayMs)})`) : ''}`)
  }
  const log = await readFile(join(run.logDir, `${t.id}.log`), 'utf8').catch(() => undefined)
  if (log) {
    const all = log.trimEnd().split('\n')
    lines.push(p.dim(`  log ${join(run.logDir, `${t.id}.log`)}${all.length > logLines ? ` (last ${logLines} of ${all.length} lines)` : ''}`))
    for (const l of all.slice(-logLines)) lines.push(`  │ ${escapeControls(l)}`)
  }
  return lines
}
