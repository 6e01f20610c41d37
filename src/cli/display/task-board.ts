/**
 * What the terminal shows about each task, folded from run events: the one model behind the live
 * view, the plain lines and the final summary.
 */
import type { RunEvent } from '../../runtime/api.ts'

export type BoardStatus = 'pending' | 'running' | 'retrying' | 'succeeded' | 'failed' | 'skipped' | 'cancelled' | 'reused'

export interface BoardTask {
  readonly id: string
  status: BoardStatus
  attempt: number
  /** When the current attempt (or retry wait) began; epoch ms. */
  since: number
  startedAt?: number
  finishedAt?: number
  note?: string
}

export interface TaskBoard {
  readonly tasks: Map<string, BoardTask>
  /** Applies one event; returns the task it changed, if any. */
  apply(event: RunEvent): BoardTask | undefined
  counts(): Record<BoardStatus, number>
}

export function createTaskBoard(): TaskBoard {
  const tasks = new Map<string, BoardTask>()
  const get = (id: string, at: number): BoardTask => {
    let t = tasks.get(id)
    if (!t) tasks.set(id, (t = { id, status: 'pending', attempt: 0, since: at }))
    return t
  }
  return {
    tasks,
    apply(e) {
      switch (e.type) {
        case 'run:start':
          for (const id of e.tasks) get(id, e.at)
          return undefined
        case 'run:finish':
          return undefined
        case 'task:start': {
          const t = get(e.taskId, e.at)
          Object.assign(t, { status: 'running', attempt: e.attempt, since: e.at, startedAt: t.startedAt ?? e.at })
          return t
        }
        case 'task:retry':
          return Object.assign(get(e.taskId, e.at), { status: 'retrying', since: e.at, note: `${e.error.message} (retry in ${e.delayMs}ms)` })
        case 'task:succeed':
          return Object.assign(get(e.taskId, e.at), { status: 'succeeded', finishedAt: e.at, note: undefined })
        case 'task:fail':
          return Object.assign(get(e.taskId, e.at), { status: 'failed', finishedAt: e.at, note: e.error.message })
        case 'task:skip':
          return Object.assign(get(e.taskId, e.at), { status: 'skipped', finishedAt: e.at, note: e.reason })
        case 'task:cancel':
          return Object.assign(get(e.taskId, e.at), { status: 'cancelled', finishedAt: e.at })
        case 'task:reuse':
          return Object.assign(get(e.taskId, e.at), { status: 'reused', finishedAt: e.at, note: `from run ${e.fromRunId}` })
      }
    },
    counts() {
      const c: Record<BoardStatus, number> = { pending: 0, running: 0, retrying: 0, succeeded: 0, failed: 0, skipped: 0, cancelled: 0, reused: 0 }
      for (const t of tasks.values()) c[t.status]++
      return c
    },
  }
}
