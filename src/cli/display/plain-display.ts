/**
 * The display for logs and CI: one line per state change, nothing redrawn.
 */
import type { RunEvent } from '../../runtime/api.ts'
import { formatDuration } from '../../spec/duration.ts'
import type { Palette } from '../colors.ts'
import { markOf } from './symbols.ts'
import type { TaskBoard } from './task-board.ts'

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
      return event.cachedFrom ? `${mark} ${event.taskId} cached (from run ${event.cachedFrom.runId})` : `${mark} ${event.taskId} succeeded${elapsed(task)}`
    case 'task:fail':
      return `${mark} ${event.taskId} ${p.red('failed')}${elapsed(task)}${event.attempt > 1 ? ` after ${event.attempt} attempts` : ''}: ${event.error.message}`
    case 'task:skip':
      return `${mark} ${event.taskId} skipped (${event.reason.replace('_', ' ')})`
    case 'task:cancel':
      return `${mark} ${event.taskId} cancelled`
    case 'task:reuse':
      return `${mark} ${event.taskId} reused from run ${event.fromRunId}`
  }
}

function elapsed(task: { startedAt?: number; finishedAt?: number } | undefined): string {
  return task?.startedAt !== undefined && task.finishedAt !== undefined ? ` in ${formatDuration(task.finishedAt - task.startedAt)}` : ''
}

/** Prints one line per event to `out`. */
export function createPlainDisplay(out: NodeJS.WritableStream, board: TaskBoard, p: Palette): { onEvent(e: RunEvent): void; stop(): void } {
  return {
    onEvent(event) {
      board.apply(event)
      const line = describeEvent(event, board, p)
      if (line !== undefined) out.write(`${line}\n`)
    },
    stop() {},
  }
}
