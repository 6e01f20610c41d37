/**
 * Rebuilds a run from its journal. Tolerates what a `kill -9` can leave behind: a torn last line
 * (ignored), no `finish` record (the run is `running` if its process is alive, else `interrupted`,
 * and its unfinished tasks and attempts show `interrupted`).
 */
import { join } from 'node:path'
import type { JournalRecord, RunRecord, TaskRecord } from './records.ts'

/** Parses journal text into records; a line that does not parse is dropped (only the last can be torn). */
export function parseJournal(text: string): JournalRecord[] {
  const records: JournalRecord[] = []
  for (const line of text.split('\n')) {
    if (line === '') continue
    try {
      records.push(JSON.parse(line) as JournalRecord)
    } catch {
      // A torn write: the process died mid-append. Everything before it is intact.
    }
  }
  return records
}

/** Replays records into a run. Returns undefined when the header (first record) is missing. */
export function replayJournal(records: readonly JournalRecord[], dir: string, isAlive: (pid: number, host: string) => boolean): RunRecord | undefined {
  const header = records[0]
  if (header?.e !== 'run') return undefined
  const tasks: Record<string, TaskRecord> = {}
  for (const id of header.tasks) tasks[id] = { id, status: 'pending', attempts: [] }
  const run: RunRecord = {
    runId: header.runId,
    pipeline: header.pipeline,
    specHash: header.specHash,
    sourcePath: header.sourcePath,
    params: header.params,
    trigger: header.trigger,
    ...(header.scheduledAt !== undefined && { scheduledAt: header.scheduledAt }),
    ...(header.resumedFrom !== undefined && { resumedFrom: header.resumedFrom }),
    status: 'running',
    startedAt: header.at,
    taskOrder: header.tasks,
    tasks,
    pid: header.pid,
    host: header.host,
    dir,
    logDir: join(dir, 'logs'),
  }
  for (let i = 1; i < records.length; i++) apply(run, records[i]!)
  if (run.status === 'running' && !isAlive(run.pid, run.host)) markInterrupted(run)
  return run
}

function taskOf(run: RunRecord, id: string): TaskRecord {
  let task = run.tasks[id]
  if (!task) {
    task = { id, status: 'pending', attempts: [] }
    run.tasks[id] = task
  }
  return task
}

function apply(run: RunRecord, r: JournalRecord): void {
  switch (r.e) {
    case 'run':
      return
    case 'reuse': {
      const t = taskOf(run, r.task)
      t.status = 'succeeded'
      t.reusedFrom = r.from
      if (r.output) t.output = r.output
      if (r.values) t.values = r.values
      return
    }
    case 'start': {
      const t = taskOf(run, r.task)
      t.status = 'running'
      t.startedAt ??= r.at
      t.attempts.push({ attempt: r.attempt, status: 'running', startedAt: r.at })
      return
    }
    case 'retry': {
      const t = taskOf(run, r.task)
      const a = t.attempts.at(-1)
      if (a) Object.assign(a, { status: 'failed', finishedAt: r.at, error: r.error, retryDelayMs: r.delayMs })
      return
    }
    case 'succeed': {
      const t = taskOf(run, r.task)
      const a = t.attempts.at(-1)
      if (a) Object.assign(a, { status: 'succeeded', finishedAt: r.at, ...(r.output && { output: r.output }) })
      Object.assign(t, { status: 'succeeded', finishedAt: r.at, ...(r.output && { output: r.output }), ...(r.values && { values: r.values }) })
      return
    }
    case 'fail': {
      const t = taskOf(run, r.task)
      const a = t.attempts.at(-1)
      if (a) Object.assign(a, { status: 'failed', finishedAt: r.at, error: r.error })
      Object.assign(t, { status: 'failed', finishedAt: r.at, error: r.error })
      return
    }
    case 'skip':
      Object.assign(taskOf(run, r.task), { status: 'skipped', skipReason: r.reason, finishedAt: r.at })
      return
    case 'cancel': {
      const t = taskOf(run, r.task)
      const a = t.attempts.at(-1)
      if (a && a.status === 'running') Object.assign(a, { status: 'cancelled', finishedAt: r.at })
      Object.assign(t, { status: 'cancelled', finishedAt: r.at })
      return
    }
    case 'finish':
      run.status = r.status
      run.finishedAt = r.at
      return
  }
}

function markInterrupted(run: RunRecord): void {
  run.status = 'interrupted'
  for (const t of Object.values(run.tasks)) {
    if (t.status === 'running') t.status = 'interrupted'
    for (const a of t.attempts) if (a.status === 'running') a.status = 'interrupted'
  }
}
