/**
 * The writer of a run that keeps no history (`RunOptions.history: false`): nothing reaches the run
 * store, neither journal nor summary nor task logs. For embedding weir where the caller keeps its own
 * record, and for the in-process bench, which compares the runtime with runners that keep none.
 */
import type { Logger } from '../../plugins/types.ts'
import type { RunWriter } from './open-run.ts'

const SILENT: Logger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} }

/** A `RunWriter` that records nothing; `dir` is where the run would have been kept. */
export function createNoHistoryWriter(dir: string): RunWriter {
  return {
    dir,
    logs: { logger: () => SILENT, pathOf: (taskId) => `${dir}/logs/${taskId}.log`, close: () => Promise.resolve() },
    record: () => {},
    commit: () => true,
    finish: () => Promise.resolve(undefined),
    journalFailure: undefined,
    whenJournalFails: () => () => {},
  }
}
