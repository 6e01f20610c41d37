/**
 * The display for a terminal: a task list redrawn in place (pending, running with elapsed time,
 * retrying, finished), at most ~10 times a second. Long pipelines show the tasks that matter (running,
 * retrying, failed, then the most recent) within the terminal's height, plus counts.
 */
import type { RunEvent } from '../../runtime/api.ts'
import { formatDuration } from '../../spec/duration.ts'
import type { Palette } from '../colors.ts'
import { markOf } from './symbols.ts'
import type { BoardTask, TaskBoard } from './task-board.ts'
import { failedItemLines, itemCountsOf } from './map-items.ts'

const REDRAW_MS = 100
const ORDER: Record<BoardTask['status'], number> = { running: 0, retrying: 1, failed: 2, cancelled: 3, succeeded: 4, cached: 5, reused: 6, skipped: 7, pending: 8 }

export interface LiveDisplay {
  onEvent(event: RunEvent): void
  /** Writes `text` (whole lines) to `to` above the task list, which is drawn again below it rather than over it. */
  note(text: string, to: NodeJS.WritableStream): void
  /** Draws the last frame and stops redrawing. */
  stop(): void
}

export function createLiveDisplay(out: NodeJS.WriteStream, board: TaskBoard, p: Palette, title: string): LiveDisplay {
  let drawn = 0
  let dirty = true
  const timer = setInterval(() => draw(), REDRAW_MS)
  timer.unref()

  function draw(): void {
    if (!dirty && board.counts().running + board.counts().retrying === 0) return
    dirty = false
    const lines = frame(Date.now())
    let text = drawn > 0 ? `\u001b[${drawn}A\r` : ''
    for (const line of lines) text += `\u001b[2K${truncate(line, (out.columns || 100) - 1)}\n`
    text += '\u001b[J'
    out.write(text)
    drawn = lines.length
  }

  function frame(now: number): string[] {
    const maxRows = Math.max(5, (out.rows || 30) - 4)
    const tasks = [...board.tasks.values()]
    const shown = tasks.length <= maxRows ? tasks : [...tasks].sort((a, b) => ORDER[a.status] - ORDER[b.status] || b.since - a.since).slice(0, maxRows)
    const c = board.counts()
    const lines = [p.bold(title)]
    for (const t of shown) {
      const items = t.record.items
      lines.push(`  ${markOf(t.status, p)} ${t.id.padEnd(24)} ${describe(t, now)}${items ? ` ${itemCountsOf(items)}` : ''}`)
      if (items) for (const line of failedItemLines(items, 3)) lines.push(p.dim(`      ${line}`))
    }
    if (shown.length < tasks.length) lines.push(p.dim(`  … ${tasks.length - shown.length} more`))
    lines.push(
      p.dim(`  ${c.succeeded + c.cached + c.reused} done, ${c.running + c.retrying} running, ${c.pending} pending, ${c.failed} failed, ${c.skipped} skipped${c.cancelled ? `, ${c.cancelled} cancelled` : ''}`),
    )
    return lines
  }

  function describe(t: BoardTask, now: number): string {
    switch (t.status) {
      case 'pending':
        return p.dim('pending')
      case 'running':
        return `${p.cyan('running')} ${formatDuration(now - t.since)}${t.record.attempts.length > 1 ? p.dim(` (attempt ${t.record.attempts.length})`) : ''}`
      case 'retrying':
        return `${p.yellow('retrying')} ${p.dim(t.note ?? '')}`
      case 'succeeded':
        return `${p.green('succeeded')} ${p.dim(span(t))}`
      case 'cached':
        return `${p.green('cached')} ${p.dim(t.note ?? '')}`
      case 'reused':
        return `${p.green('reused')} ${p.dim(t.note ?? '')}`
      case 'failed':
        return `${p.red('failed')} ${p.dim(span(t))} ${t.note ?? ''}`
      case 'skipped':
        return p.dim(`skipped (${(t.note ?? '').replace('_', ' ')})`)
      case 'cancelled':
        return p.yellow('cancelled')
    }
  }

  return {
    onEvent(event) {
      board.apply(event)
      dirty = true
      if (event.type === 'run:start') draw()
    },
    note(text, to) {
      if (drawn > 0) out.write(`\u001b[${drawn}A\r\u001b[J`)
      drawn = 0
      to.write(text)
      dirty = true
      draw()
    },
    stop() {
      clearInterval(timer)
      dirty = true
      draw()
    },
  }
}

function span(t: BoardTask): string {
  const { startedAt, finishedAt } = t.record
  return startedAt !== undefined && finishedAt !== undefined ? formatDuration(finishedAt - startedAt) : ''
}

/** Cuts a line to the terminal width, counting visible characters only (ANSI codes are free). */
function truncate(line: string, width: number): string {
  let visible = 0
  let out = ''
  for (let i = 0; i < line.length; i++) {
    if (line[i] === '\u001b') {
      const end = line.indexOf('m', i)
      if (end !== -1) {
        out += line.slice(i, end + 1)
        i = end
        continue
      }
    }
    if (visible >= width) continue
    out += line[i]
    visible++
  }
  return out
}
