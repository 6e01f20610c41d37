/**
 * What the terminal shows about each task, folded from run events: the one model behind the live
 * view, the plain lines and the final summary.
 */
import type { RunEvent } from '../../runtime/api.ts'
import type { TaskRecord } from '../../runtime/run-store/records.ts'
import { applyTaskEvent, newTaskRecord } from '../../runtime/run-store/apply-task-event.ts'
import { escapeControls } from '../escape-controls.ts'

/** `cached` is a succeeded task whose result came from the cache; trigger rules see it as succeeded. */
export type BoardStatus = 'pending' | 'running' | 'retrying' | 'succeeded' | 'cached' | 'failed' | 'skipped' | 'cancelled' | 'reused'

/**
 * A task as the terminal shows it: its state (the same `TaskRecord` the run store replays, changed
 * by the same `applyTaskEvent`), plus what only a display needs, derived from it.
 */
export interface BoardTask {
  readonly id: string
  readonly record: TaskRecord
  /** The record's status, with `retrying` (waiting between attempts), `reused` and `cached` told apart. */
  status: BoardStatus
  /** When the current attempt (or retry wait) began; epoch ms. */
  since: number
  note?: string
}

export interface TaskBoard {
  /** Every task of the run; with `forgetFinished`, only those running or mapped (see createTaskBoard). */
  readonly tasks: Map<string, BoardTask>
  /** Applies one event; returns the task it changed, if any. */
  apply(event: RunEvent): BoardTask | undefined
  counts(): Record<BoardStatus, number>
  /** Called once `event` has been shown: a board that forgets finished tasks drops its task if this was its last event. */
  shown(event: RunEvent): void
}

/** What a task's last event may be: after it, the task changes no more. */
const FINAL_EVENTS: ReadonlySet<RunEvent['type']> = new Set(['task:succeed', 'task:fail', 'task:skip', 'task:cancel', 'task:reuse'])

/**
 * `forgetFinished`: for a display that shows each change once (plain-display.ts) and never the whole board.
 * Tasks are added when their first event arrives rather than all at `run:start`, and a task that is
 * not mapped is dropped once its final event has been described (`forget`), so the board holds the
 * running tasks, not a second copy of every task's record (~350 bytes a task at 20,000 tasks).
 * Mapped tasks stay: the summary lists their failed items. `counts()` then counts only what is held.
 */
export function createTaskBoard(options: { forgetFinished?: boolean } = {}): TaskBoard {
  const forgetFinished = options.forgetFinished === true
  const tasks = new Map<string, BoardTask>()
  const get = (id: string, at: number): BoardTask => {
    let t = tasks.get(id)
    if (!t) tasks.set(id, (t = { id, record: newTaskRecord(id), status: 'pending', since: at }))
    return t
  }
  return {
    tasks,
    apply(e) {
      if (e.type === 'run:start') {
        if (!forgetFinished) for (const id of e.tasks) get(id, e.at)
        return undefined
      }
      if (e.type === 'run:finish' || e.type === 'run:store-error') return undefined
      const t = get(e.taskId, e.at)
      applyTaskEvent(t.record, e)
      const r = t.record
      const last = r.attempts.at(-1)
      t.status =
        r.status === 'running'
          ? last?.status === 'failed'
            ? 'retrying'
            : 'running'
          : r.status === 'succeeded' && r.reusedFrom !== undefined
            ? 'reused'
            : r.status === 'succeeded' && r.cachedFrom !== undefined
              ? 'cached'
              : r.status === 'interrupted'
                ? 'cancelled'
                : r.status
      if (e.type === 'task:start' || e.type === 'task:retry') t.since = e.at
      // A mapped task's item events change its counts (shown from the record), not its note.
      if (e.type === 'task:map' || e.type.startsWith('item:')) return t
      t.note =
        e.type === 'task:retry'
          ? `${escapeControls(e.error.message)} (retry in ${e.delayMs}ms)`
          : e.type === 'task:fail'
            ? escapeControls(e.error.message)
            : e.type === 'task:skip'
              ? e.reason
              : e.type === 'task:reuse'
                ? `from run ${e.fromRunId}`
                : e.type === 'task:succeed' && e.cachedFrom
                  ? `cached from run ${e.cachedFrom.runId}`
                  : undefined
      return t
    },
    shown(e) {
      if (!forgetFinished || !FINAL_EVENTS.has(e.type) || !('taskId' in e)) return
      if (tasks.get(e.taskId)?.record.items === undefined) tasks.delete(e.taskId)
    },
    counts() {
      const c: Record<BoardStatus, number> = { pending: 0, running: 0, retrying: 0, succeeded: 0, cached: 0, failed: 0, skipped: 0, cancelled: 0, reused: 0 }
      for (const t of tasks.values()) c[t.status]++
      return c
    },
  }
}
