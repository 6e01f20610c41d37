/**
 * Writing one run into the store: the journal (group-committed), the task logs, and `summary.json`
 * when the run finishes.
 */
import { renameSync, writeFileSync } from 'node:fs'
import { hostname } from 'node:os'
import { join } from 'node:path'
import type { RunSummary } from './records.ts'
import type { TaskEvent } from '../api.ts'
import { encodeFinish, encodeHeader, encodeTaskEvent } from './journal-codec.ts'
import { maxTaskEventBytes, writeTaskEventBytes } from './journal-bytes.ts'
import type { FinalRunStatus, JournalHeader } from './journal-codec.ts'
import { openAppender } from './batched-appender.ts'
import type { BatchedAppender } from './batched-appender.ts'
import { createTaskLogs } from './task-logs.ts'
import type { TaskLogs } from './task-logs.ts'
import { runDir } from './read-runs.ts'
import { tempPathFor } from '../../plugins/io/temp-files.ts'
import { processStartTime } from '../../plugins/io/process-alive.ts'
import { makeDirsSync, makeStateDirSync } from '../../plugins/io/make-dirs.ts'

/** The journal header of a run, less what `openRun` fills in itself (this process and host). */
export type RunHeader = Omit<JournalHeader, 'pid' | 'host'>

export interface RunWriter {
  readonly dir: string
  readonly logs: TaskLogs
  /** Queues one task event for the journal (written with the next group commit). */
  record(event: TaskEvent): void
  /**
   * Writes every record queued so far to the journal file now, where it survives the process being
   * killed (not fsynced: a machine crash may still lose the last batch).
   */
  commit(): void
  /** Writes the `finish` record, flushes everything, then writes summary.json. */
  finish(status: FinalRunStatus, at: number, summary: RunSummary): Promise<void>
  /** The first error writing the journal, if any (the run goes on; its history may be incomplete). */
  readonly writeError: Error | undefined
}

/**
 * Creates the run's folder and journal and writes its header. The few file calls of a run's start
 * and finish are synchronous: each is one system call of microseconds, where an async one waits for
 * the thread pool and a turn of the event loop (together ~3 ms, most of a short run's fixed cost).
 */
export async function openRun(stateDir: string, header: RunHeader): Promise<RunWriter> {
  const dir = runDir(stateDir, header.runId)
  makeStateDirSync(stateDir)
  makeDirsSync(dir)
  let writeError: Error | undefined
  const journal: BatchedAppender = openAppender(join(dir, 'journal.jsonl'), (error) => {
    writeError ??= error
  })
  const logs = createTaskLogs(join(dir, 'logs'))
  const { pidStartTime, host } = (thisProcess ??= { pidStartTime: processStartTime(process.pid), host: hostname() })
  journal.append(encodeHeader({ ...header, pid: process.pid, host, ...(pidStartTime !== undefined && { pidStartTime }) }))
  // The header goes to disk at once, so a run killed in its first millisecond still lists.
  journal.commit()
  return {
    dir,
    logs,
    record(event) {
      // A task's start and plain success go into the journal's bytes directly (journal-bytes.ts).
      if (!journal.appendBytes(maxTaskEventBytes(event.taskId.length), writeTaskEventBytes, event)) journal.append(encodeTaskEvent(event))
    },
    commit: () => journal.commit(),
    async finish(status, at, summary) {
      journal.append(encodeFinish(status, at))
      await logs.close()
      // No fsync: appended lines survive the process dying (kill -9) once written; a machine crash
      // may lose the last batch, which leaves the run `interrupted`, never corrupt.
      journal.close(false)
      writeAtomic(join(dir, 'summary.json'), JSON.stringify(summary))
    },
    get writeError() {
      return writeError
    },
  }
}

/**
 * This process's start time and host, read once per process: they do not change while it lives, and
 * reading them (/proc/<pid>/stat, uname) was five system calls of every run's fixed cost.
 */
let thisProcess: { readonly pidStartTime: string | undefined; readonly host: string } | undefined

/** Write to a temporary file, then rename: readers see the old file or the new one, never half. */
function writeAtomic(path: string, text: string): void {
  const tmp = tempPathFor(path)
  writeFileSync(tmp, text)
  renameSync(tmp, path)
}
