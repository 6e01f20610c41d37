/**
 * A success must be in the journal file before anything relies on it: a downstream task may act on
 * the world and the display may say so, and after a kill -9 a resume must find the success, not run
 * the task again. Successes of one burst of microtasks share one journal write. A success the
 * journal could not take (a full disk) is never told as one: a resume will run that task again.
 */
import type { TaskEvent } from '../api.ts'
import type { RunWriter } from '../run-store/open-run.ts'

/**
 * Returns `completeWhenDurable(i, success)`: `onDurable` runs for each once the journal file has it,
 * or `onLost` when its write failed.
 */
export function createDurableCommit(writer: RunWriter, onDurable: (i: number, success: TaskEvent) => void, onLost: (i: number, success: TaskEvent) => void): (i: number, success: TaskEvent) => void {
  // The queue is two arrays filled up to `queued` and reused, never emptied: a chain of tasks commits
  // once per task, and fresh arrays (or `length = 0`, which gives a small array's room back) cost an
  // allocation and its growth per task. A slot keeps its last event until it is reused.
  const indexes: number[] = []
  const events: TaskEvent[] = []
  let queued = 0
  let told = 0
  const commit = (): void => {
    try {
      // Successes queued while these are told (none today: a success always follows an await) are
      // written by the next pass, before they are told.
      while (told < queued) {
        if (writer.commit()) for (const end = queued; told < end; told++) onDurable(indexes[told]!, events[told]!)
        else for (const end = queued; told < end; told++) onLost(indexes[told]!, events[told]!)
      }
    } finally {
      queued = told = 0
    }
  }
  return (i, success) => {
    indexes[queued] = i
    events[queued] = success
    if (queued++ === 0) void RESOLVED.then(commit)
  }
}

// `then` on a settled promise rather than queueMicrotask: the same place in the microtask queue, but
// Node's queueMicrotask makes an AsyncResource and a bound function each time (~250 bytes and its
// async-hooks bookkeeping, once per task in a chain). `commit` never throws (its callbacks catch).
const RESOLVED = Promise.resolve()
