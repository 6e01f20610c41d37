/**
 * The display for logs and CI: one line per state change, nothing redrawn.
 */
import type { RunEvent } from '../../runtime/api.ts'
import { formatDuration } from '../../spec/duration.ts'
import type { Palette } from '../colors.ts'
import { markOf } from './symbols.ts'
import { escapeControls } from '../escape-controls.ts'
import { flushBeforeWatchedAttempts } from '../../runtime/blocked-loop-watchdog.ts'
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
    case 'run:store-error':
      return undefined
    case 'task:start':
      return `${mark} ${event.taskId} started${event.attempt > 1 ? ` (attempt ${event.attempt})` : ''}`
    case 'task:retry':
      return `${mark} ${event.taskId} attempt ${event.attempt} failed: ${clause(event.error.message)}; retrying in ${formatDuration(event.delayMs)}`
    case 'task:succeed':
      return event.cachedFrom ? `${mark} ${event.taskId} cached (from run ${event.cachedFrom.runId})` : `${mark} ${event.taskId} succeeded${elapsed(task?.record)}${counts(task)}`
    case 'task:fail':
      return `${mark} ${event.taskId} ${p.red('failed')}${elapsed(task?.record)}${event.attempt > 1 ? ` after ${event.attempt} attempts` : ''}${counts(task)}: ${escapeControls(event.error.message)}`
    case 'task:map':
      return `${mark} ${event.taskId} ▸ ${event.count.toLocaleString('en-US')} item${event.count === 1 ? '' : 's'}`
    // One line per item would drown a 10,000-item map: only what needs attention is printed.
    case 'item:retry':
      return `${markOf('retrying', p)} ${event.taskId} item ${event.index} attempt ${event.attempt} failed: ${clause(event.error.message)}; retrying in ${formatDuration(event.delayMs)}`
    case 'item:fail':
      return `${markOf('failed', p)} ${event.taskId} item ${event.index} ${p.red('failed')}${event.attempt > 1 ? ` after ${event.attempt} attempts` : ''}: ${escapeControls(event.error.message)}`
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
 *
 * The two lines every task has, its first start and its plain success, are written without the
 * board when the board does not hold the task (a board that forgets finished tasks holds none before
 * its first event): a task whose only event so far is that start is one entry in `startedAt`, not a
 * board task with its record and attempt (at 20,000 tasks the board's folding was ~40% of the
 * display's cost). Any other event of such a task first hands its start to the board, so the board
 * folds the same events in the same order as without this path, and the lines are the same.
 */
export function createPlainDisplay(out: NodeJS.WritableStream, board: TaskBoard, p: Palette): { onEvent(e: RunEvent): void; note(text: string, to: NodeJS.WritableStream): void; stop(): void } {
  let held = ''
  let scheduled = false
  // Task id → the time of its first start, for a task seen only starting, and not on the board.
  const startedAt = new Map<string, number>()
  const started = `${markOf('running', p)} `
  const succeeded = `${markOf('succeeded', p)} `
  const flush = (): void => {
    scheduled = false
    if (held === '') return
    const text = held
    held = ''
    out.write(text)
  }
  const hold = (line: string): void => {
    held += line
    if (held.length >= FLUSH_BYTES) flush()
    else if (!scheduled) {
      scheduled = true
      setImmediate(flush)
    }
  }
  // Runs on process.exit() and after an uncaught error too; stdout to a file, a pipe or a terminal is written synchronously.
  process.on('exit', flush)
  // And before a handler that may block the loop until the watchdog's SIGKILL, which runs no exit listener.
  flushBeforeWatchedAttempts(flush)
  return {
    onEvent(event) {
      if (event.type !== 'run:start' && event.type !== 'run:finish' && event.type !== 'run:store-error') {
        const id = event.taskId
        const at = startedAt.get(id)
        if (at !== undefined) {
          startedAt.delete(id)
          if (event.type === 'task:succeed' && !event.cachedFrom) return hold(`${succeeded}${id} succeeded in ${formatDuration(event.at - at)}\n`)
          board.apply({ type: 'task:start', runId: event.runId, taskId: id, attempt: 1, at })
        } else if (event.type === 'task:start' && event.attempt === 1 && !board.tasks.has(id)) {
          startedAt.set(id, event.at)
          return hold(`${started}${id} started\n`)
        }
      }
      board.apply(event)
      const line = describeEvent(event, board, p)
      board.shown(event)
      if (line !== undefined) hold(`${line}\n`)
    },
    /** Writes `text` to `to` after the lines held so far: it follows them. */
    note(text, to) {
      flush()
      to.write(text)
    },
    stop() {
      flush()
      process.off('exit', flush)
    },
  }
}

/** A message as a clause before '; retrying …': without the full stop that ends most of them ('faster.; retrying'). */
function clause(message: string): string {
  return escapeControls(message).replace(/\.$/, '')
}
