/**
 * A success must be in the journal file before anything relies on it: a downstream task may act on
 * the world and the display may say so, and after a kill -9 a resume must find the success, not run
 * the task again. Successes of one burst of microtasks share one journal write.
 */
import type { TaskEvent } from '../api.ts'
import type { RunWriter } from '../run-store/open-run.ts'

/** Returns `completeWhenDurable(i, success)`: `onDurable` runs for each once the journal file has it. */
export function createDurableCommit(writer: RunWriter, onDurable: (i: number, success: TaskEvent) => void): (i: number, success: TaskEvent) => void {
  let indexes: number[] = []
  let events: TaskEvent[] = []
  const commit = (): void => {
    const batch = indexes
    const told = events
    indexes = []
    events = []
    writer.commit()
    for (let k = 0; k < batch.length; k++) onDurable(batch[k]!, told[k]!)
  }
  return (i, success) => {
    events.push(success)
    if (indexes.push(i) === 1) queueMicrotask(commit)
  }
}
