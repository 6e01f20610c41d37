/**
 * The end of `weir run`: every task with its status, attempts and duration, the errors, where the
 * logs are, and how to resume a run that did not succeed. A cache hit shows as `cached` with the
 * run its result came from (it is succeeded for everything else, trigger rules included).
 */
import type { RunResult } from '../../runtime/api.ts'
import { formatDuration } from '../../spec/duration.ts'
import type { Palette } from '../colors.ts'
import { markOf } from './symbols.ts'
import { escapeControls } from '../escape-controls.ts'
import type { BoardStatus } from './task-board.ts'
import { resumeCommand } from '../resume-command.ts'
import { formatItemCounts } from '../../runtime/map/derive-status.ts'

export interface SummaryContext {
  readonly specPath: string
  /** `--state-dir` as the user gave it, when they did: the resume command needs it. */
  readonly stateDir?: string
  readonly logDir: string
  /** Whether any task wrote a log line (the folder exists). */
  readonly hasLogs: boolean
  readonly durationMs: number
  /** Show every task (small runs) or only the ones that did not succeed. */
  readonly listAll: boolean
  /** A mapped task's failed items, one line each (map-items.ts). */
  readonly failedItems?: (taskId: string) => readonly string[]
}

export function formatSummary(result: RunResult, ctx: SummaryContext, p: Palette): string {
  const lines: string[] = ['']
  // One pass over the tasks (a run may have tens of thousands): the lines, the counts, the failures.
  const counts: Record<string, number> = {}
  const failed: string[] = []
  // An indexed loop: this runs once, unoptimized, where a for-of allocates a result per step.
  const ids = Object.keys(result.tasks)
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]!
    const t = result.tasks[id]!
    const status = shownStatus(t)
    counts[status] = (counts[status] ?? 0) + 1
    if (t.status === 'failed') failed.push(id)
    if (!ctx.listAll && (status === 'succeeded' || status === 'reused' || status === 'cached')) continue
    const took = t.durationMs !== undefined ? formatDuration(t.durationMs) : ''
    const attempts = t.attempts > 1 ? `${t.attempts} attempts` : ''
    const why = t.skipReason ? `(${t.skipReason.replace('_', ' ')})` : t.cachedFrom ? `(from run ${t.cachedFrom.runId})` : ''
    const items = t.items ? `▸ ${formatItemCounts(t.items)}` : ''
    lines.push(`  ${markOf(status, p)} ${id.padEnd(24)} ${status.padEnd(10)} ${took.padStart(7)} ${p.dim([attempts, why, items].filter(Boolean).join(' '))}`.trimEnd())
  }
  for (const id of failed) {
    const t = result.tasks[id]!
    lines.push('', `${p.red('✗')} ${p.bold(id)}: ${escapeControls(t.error?.code ?? 'ERROR')}: ${escapeControls(t.error?.message ?? 'failed')}`)
    for (const line of ctx.failedItems?.(id) ?? []) lines.push(`    ${escapeControls(line)}`)
  }
  const verdict = result.status === 'succeeded' ? p.green('succeeded') : result.status === 'failed' ? p.red('failed') : p.yellow('cancelled')
  lines.push(
    '',
    `${p.bold(`Run ${result.runId}`)} ${verdict} in ${formatDuration(ctx.durationMs)}: ${Object.entries(counts).map(([s, n]) => `${n} ${s}`).join(', ')}.`,
    ctx.hasLogs ? `Logs: ${ctx.logDir}` : `Logs: none (no task logged; they would be in ${ctx.logDir})`,
  )
  if (result.status !== 'succeeded') lines.push(`Resume: ${resumeCommand(ctx.specPath, result.runId, ctx.stateDir)}`)
  return lines.join('\n') + '\n'
}

/** `reused` (by --resume: no attempt) and `cached` (a cache hit) are succeeded tasks, told apart. */
function shownStatus(t: RunResult['tasks'][string]): BoardStatus {
  if (t.status !== 'succeeded') return t.status
  if (t.cachedFrom) return 'cached'
  return t.attempts === 0 ? 'reused' : 'succeeded'
}
