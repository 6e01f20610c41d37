/**
 * The display for logs and CI: one line per state change, nothing redrawn.
 */
import type { RunEvent } from '../../runtime/api.ts'
import { formatDuration } from '../../spec/duration.ts'
import type { Palette } from '../colors.ts'
import { markOf } from './symbols.ts'
import type { TaskBoard } from './task-board.ts'
import type { ItemRecord } from '../../runtime/run-store/records.ts'
import { itemCountsOf } from './map-items.ts'

export function describeEvent(event: RunEvent, board: TaskBoard, p: Palette): string | undefined {
  const task = 'taskId' in event ? board.tasks.get(event.taskId) : undefined
  const mark = task ? markOf(task.status, p) : ''
  switch (event.type) {
    case 'run:start':
      return `${p.bold(`run ${event.runId}`)} of ${event.pipeline}: ${event.tasks.length} task${event.tasks.length === 1 ? '' : 's'}`
    case 'run:finish':
      return undefined
    case 'task:start':
      return `${mark} ${event.taskId} started${event.attempt > 1 ? ` (attempt ${event.attempt})` : ''}`
    case 'task:retry':
      return `${mark} ${event.taskId} attempt ${event.attempt} failed: ${event.error.message}; retrying in ${formatDuration(event.delayMs)}`
    case 'task:succeed':
      return event.cachedFrom ? `${mark} ${event.taskId} cached (from run ${event.cachedFrom.runId})` : `${mark} ${event.taskId} succeeded${elapsed(task?.record)}${counts(task)}`
    case 'task:fail':
      return `${mark} ${event.taskId} ${p.red('failed')}${elapsed(task?.record)}${event.attempt > 1 ? ` after ${event.attempt} attempts` : ''}${counts(task)}: ${event.error.message}`
    case 'task:map':
      return `${mark} ${event.taskId} ▸ ${event.count.toLocaleString('en-US')} item${event.count === 1 ? '' : 's'}`
    // One line per item would drown a 10,000-item map: only what needs attention is printed.
    case 'item:retry':
      return `${markOf('retrying', p)} ${event.taskId} item ${event.index} attempt ${event.attempt} failed: ${event.error.message}; retrying in ${formatDuration(event.delayMs)}`
    case 'item:fail':
      return `${markOf('failed', p)} ${event.taskId} item ${event.index} ${p.red('failed')}${event.attempt > 1 ? ` after ${event.attempt} attempts` : ''}: ${event.error.message}`
    case 'item:start':
    case 'item:succeed':
    case 'item:cancel':
    case 'item:reuse':
      return undefined
    case 'task:skip':
      return `${mark} ${event.taskId} skipped (${event.reason.replace('_', ' ')})`
    case 'task:cancel':
      return `${mark} ${event.taskId} cancelled`
    case 'task:reuse':
      return `${mark} ${event.taskId} reused from run ${event.fromRunId}`
  }
}

function counts(task: { record: { items?: ItemRecord[] } } | undefined): string {
  const text = itemCountsOf(task?.record.items)
  return text === '' ? '' : ` ${text}`
}

function elapsed(task: { startedAt?: number; finishedAt?: number } | undefined): string {
  return task?.startedAt !== undefined && task.finishedAt !== undefined ? ` in ${formatDuration(task.finishedAt - task.startedAt)}` : ''
}

/** Most text the display holds before it writes (a long burst of state changes goes out in pieces this big). */
const FLUSH_BYTES = 64 * 1024

/**
 * Prints one line per event to `out`, in order. Lines are gathered and written once per turn of the
 * event loop (a write per line per task was 15% of a 20,000-task run): a log still gets every state
 * change as it happens, one turn late at most. Whatever is held is written at once when the process
 * exits, however it exits (`process.exit` in a handler, an uncaught error): nothing is lost.
 */
export function createPlainDisplay(out: NodeJS.WritableStream, board: TaskBoard, p: Palette): { onEvent(e: RunEvent): void; stop(): void } {
  let held = ''
  let scheduled = false
  const flush = (): void => {
    scheduled = false
    if (held === '') return
    const text = held
    held = ''
    out.write(text)
  }
  // Runs on process.exit() and after an uncaught error too; stdout to a file, a pipe or a terminal is written synchronously.
  process.on('exit', flush)
  return {
    onEvent(event) {
      board.apply(event)
      const line = describeEvent(event, board, p)
      board.shown(event)
      if (line === undefined) return
      held += `${line}\n`
      if (held.length >= FLUSH_BYTES) flush()
      else if (!scheduled) {
        scheduled = true
        setImmediate(flush)
      }
    },
    stop() {
      flush()
      process.off('exit', flush)
    },
  }
}
