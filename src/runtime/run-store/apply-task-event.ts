/**
 * The one reducer of a task's state. The run loop applies each event as it happens, replay applies
 * the same events decoded from the journal, and the terminal display folds them too: a task reads
 * the same wherever it is shown, because its state is only ever changed here.
 */
import type { TaskEvent } from '../api.ts'
import { collectItemValues } from '../map/fan-in.ts'
import type { AttemptRecord, ItemRecord, TaskRecord } from './records.ts'

/**
 * The attempts of a task that has not started: one frozen array shared by every new record (a run
 * makes one record per task up front). The first start replaces it with a one-element array rather
 * than pushing, which would grow a fresh array to 17 slots; 150 bytes a task in the 100k benchmarks.
 */
const NO_ATTEMPTS: AttemptRecord[] = Object.freeze([]) as unknown as AttemptRecord[]

export function newTaskRecord(id: string): TaskRecord {
  // The times every task that runs gets are declared here (as undefined), so setting them later
  // stores into the object instead of allocating an out-of-object property array for it.
  return { id, status: 'pending', attempts: NO_ATTEMPTS, startedAt: undefined, finishedAt: undefined }
}

/** Applies one event to the task it names. Plain assignments: this runs per event in the hot loop. */
export function applyTaskEvent(t: TaskRecord, e: TaskEvent): void {
  switch (e.type) {
    case 'task:start':
      t.status = 'running'
      t.startedAt ??= e.at
      // finishedAt declared up front, for the same reason as in newTaskRecord.
      addAttempt(t, { attempt: e.attempt, status: 'running', startedAt: e.at, finishedAt: undefined })
      return
    case 'task:retry': {
      const a = endAttempt(t, 'failed', e.at)
      if (a) {
        a.error = e.error
        a.retryDelayMs = e.delayMs
      }
      return
    }
    case 'task:succeed': {
      const a = endAttempt(t, 'succeeded', e.at)
      if (a && e.output) a.output = e.output
      t.status = 'succeeded'
      t.finishedAt = e.at
      if (e.output) t.output = e.output
      if (e.values) t.values = e.values
      if (e.cachedFrom) t.cachedFrom = e.cachedFrom
      if (t.items) endMap(t, e.at)
      return
    }
    case 'task:fail': {
      const a = endAttempt(t, 'failed', e.at)
      if (a) a.error = e.error
      t.status = 'failed'
      t.finishedAt = e.at
      t.error = e.error
      if (t.items) endMap(t, e.at)
      return
    }
    case 'task:skip':
      t.status = 'skipped'
      t.skipReason = e.reason
      t.finishedAt = e.at
      return
    case 'task:cancel': {
      if (t.attempts[t.attempts.length - 1]?.status === 'running') endAttempt(t, 'cancelled', e.at)
      t.status = 'cancelled'
      t.finishedAt = e.at
      if (t.items) endMap(t, e.at)
      return
    }
    case 'task:reuse':
      t.status = 'succeeded'
      t.reusedFrom = e.fromRunId
      if (e.output) t.output = e.output
      if (e.values) t.values = e.values
      if (t.items) endMap(t, e.at)
      return
    case 'task:map': {
      const items: ItemRecord[] = new Array(e.count)
      for (let k = 0; k < e.count; k++) items[k] = { status: 'pending', attempts: 0 }
      t.items = items
      t.itemsHash = e.hash
      return
    }
    default:
      return applyItemEvent(t, e)
  }
}

/** The events of one item of a mapped task; an index outside the list (a corrupt line) is ignored. */
function applyItemEvent(t: TaskRecord, e: Extract<TaskEvent, { type: `item:${string}` }>): void {
  const item = t.items?.[e.index]
  if (!item) return
  switch (e.type) {
    case 'item:start':
      item.status = 'running'
      item.attempts = e.attempt
      item.startedAt ??= e.at
      return
    case 'item:retry':
      item.error = e.error
      return
    case 'item:succeed':
      item.status = 'succeeded'
      item.finishedAt = e.at
      item.error = undefined
      if (e.output) item.output = e.output
      if (e.values) item.values = e.values
      if (e.cachedFrom) item.cachedFrom = e.cachedFrom
      return
    case 'item:fail':
      item.status = 'failed'
      item.finishedAt = e.at
      item.error = e.error
      return
    case 'item:cancel':
      item.status = 'cancelled'
      item.finishedAt = e.at
      return
    case 'item:reuse':
      item.status = 'succeeded'
      item.reusedFrom = e.fromRunId
      if (e.output) item.output = e.output
      if (e.values) item.values = e.values
      return
  }
}

function addAttempt(t: TaskRecord, a: AttemptRecord): void {
  if (t.attempts.length === 0) (t as { attempts: AttemptRecord[] }).attempts = [a]
  else t.attempts.push(a)
}

/**
 * A mapped task ended: items that never finished (not started when the run was cancelled or
 * stopped by fail_fast) are cancelled, and the task's values become the fan-in lists, one entry per
 * item in item order (`null` for an item that did not set the value, as under `weir execute`).
 */
function endMap(t: TaskRecord, at: number): void {
  const items = t.items!
  let names: Set<string> | undefined
  for (const item of items) {
    if (item.status === 'pending' || item.status === 'running') {
      item.status = 'cancelled'
      item.finishedAt = at
    }
    if (item.values) for (const name in item.values) (names ??= new Set()).add(name)
  }
  if (!names) return
  t.values = collectItemValues(items.map((item) => item.values), [...names])
}

/** Ends the task's latest attempt; returns it (none when the journal lost its start). */
function endAttempt(t: TaskRecord, status: AttemptRecord['status'], at: number): AttemptRecord | undefined {
  const a = t.attempts[t.attempts.length - 1]
  if (a) {
    a.status = status
    a.finishedAt = at
  }
  return a
}

/** What a task's state becomes when the process running it died: running parts are `interrupted`. */
export function interruptTask(t: TaskRecord): void {
  if (t.status === 'running') t.status = 'interrupted'
  for (const a of t.attempts) if (a.status === 'running') a.status = 'interrupted'
  if (t.items) for (const item of t.items) if (item.status === 'running') item.status = 'interrupted'
}
