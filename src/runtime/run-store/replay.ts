/**
 * Rebuilds a run from its journal. Tolerates what a `kill -9` can leave behind: a torn last line
 * (ignored), no `finish` record (the run is `running` if its process is alive, else `interrupted`,
 * and its unfinished tasks and attempts show `interrupted`).
 */
import { join } from 'node:path'
import type { RunRecord, TaskRecord } from './records.ts'
import { decodeJournal } from './journal-codec.ts'
import type { JournalEntry } from './journal-codec.ts'
import { applyTaskEvent, interruptTask, newTaskRecord } from './apply-task-event.ts'

/** Parses journal text into entries (journal-codec.ts). */
export function parseJournal(text: string): JournalEntry[] {
  return decodeJournal(text)
}

/** Replays entries into a run. Returns undefined when the header (first entry) is missing. */
export function replayJournal(entries: readonly JournalEntry[], dir: string, isAlive: (pid: number, host: string, startTime?: string) => boolean): RunRecord | undefined {
  const first = entries[0]
  if (first?.kind !== 'header') return undefined
  const { tasks: taskOrder, at, ...identity } = first.header
  const tasks: Record<string, TaskRecord> = {}
  for (const id of taskOrder) tasks[id] = newTaskRecord(id)
  const run: RunRecord = { ...identity, status: 'running', startedAt: at, taskOrder, tasks, dir, logDir: join(dir, 'logs') }
  for (let i = 1; i < entries.length; i++) {
    const entry = entries[i]!
    if (entry.kind === 'task') applyTaskEvent((tasks[entry.event.taskId] ??= newTaskRecord(entry.event.taskId)), entry.event)
    else if (entry.kind === 'finish') {
      run.status = entry.status
      run.finishedAt = entry.at
    }
  }
  if (run.status === 'running' && !isAlive(run.pid, run.host, run.pidStartTime)) {
    run.status = 'interrupted'
    for (const t of Object.values(tasks)) interruptTask(t)
  }
  return run
}
