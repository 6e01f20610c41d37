/**
 * Writing one run into the store: the journal (group-committed), the task logs, and `summary.json`
 * when the run finishes.
 */
import { renameSync, rmSync, writeFileSync } from 'node:fs'
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

/** A file of the run that could not be written, and why (ENOSPC, EDQUOT, EFBIG, EIO…). */
export interface StoreWriteFailure {
  readonly file: 'journal.jsonl' | 'summary.json'
  readonly path: string
  /** The file system's error (whose message may not name `path`: a write to an open file names none). */
  readonly error: Error
}

export interface RunWriter {
  readonly dir: string
  readonly logs: TaskLogs
  /** Queues one task event for the journal (written with the next group commit). */
  record(event: TaskEvent): void
  /**
   * Writes every record queued so far to the journal file now, where it survives the process being
   * killed (not fsynced: a machine crash may still lose the last batch). False once a write of the
   * journal failed: these records are not in it, and none will be (`journalFailure` says why).
   */
  commit(): boolean
  /**
   * Writes the `finish` record, flushes everything, then writes summary.json; resolves to the
   * summary's failure (its temp file removed: the journal is whole, and readers replay it instead).
   * A journal that failed gets no summary: without its end record the run reads as interrupted,
   * which a summary must not contradict.
   */
  finish(status: FinalRunStatus, at: number, summary: RunSummary): Promise<StoreWriteFailure | undefined>
  /** The first failed write of the journal, if any: from then on the journal is written no more. */
  readonly journalFailure: StoreWriteFailure | undefined
  /**
   * Calls `listener` once, when a write of the journal fails (at once, when one has). It may be
   * called from inside `record` or `commit`. Returns what unregisters it.
   */
  whenJournalFails(listener: (failure: StoreWriteFailure) => void): () => void
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
  const journalPath = join(dir, 'journal.jsonl')
  let journalFailure: StoreWriteFailure | undefined
  const listeners = new Set<(failure: StoreWriteFailure) => void>()
  const journal: BatchedAppender = openAppender(journalPath, (error) => {
    journalFailure = { file: 'journal.jsonl', path: journalPath, error }
    for (const listener of listeners) listener(journalFailure)
    listeners.clear()
  })
  const { pidStartTime, host } = (thisProcess ??= { pidStartTime: processStartTime(process.pid), host: hostname() })
  journal.append(encodeHeader({ ...header, pid: process.pid, host, ...(pidStartTime !== undefined && { pidStartTime }) }))
  // The header goes to disk at once, so a run killed in its first millisecond still lists. A run
  // whose header cannot be written is refused before it starts (the folder is left for `weir runs gc`).
  if (!journal.commit()) {
    journal.close()
    throw naming(journalFailure!.error, journalPath)
  }
  const logs = createTaskLogs(join(dir, 'logs'))
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
      if (journalFailure) return undefined
      const summaryPath = join(dir, 'summary.json')
      try {
        writeAtomic(summaryPath, JSON.stringify(summary))
        return undefined
      } catch (error) {
        return { file: 'summary.json', path: summaryPath, error: error as Error }
      }
    },
    get journalFailure() {
      return journalFailure
    },
    whenJournalFails(listener) {
      if (journalFailure) {
        listener(journalFailure)
        return () => {}
      }
      listeners.add(listener)
      return () => void listeners.delete(listener)
    },
  }
}

/**
 * The file system's error, with the file named in its message as Node names it for an open or a
 * mkdir (`ENOSPC: no space left on device, write '/…/journal.jsonl'`): a write by descriptor names
 * none, and "no space left" alone does not say where.
 */
function naming(error: Error, path: string): Error {
  if (error.message.includes(path)) return error
  const { code, errno, syscall } = error as { code?: unknown; errno?: unknown; syscall?: unknown }
  return Object.assign(new Error(`${error.message} '${path}'`, { cause: error }), { code, errno, syscall, path })
}

/**
 * This process's start time and host, read once per process: they do not change while it lives, and
 * reading them (/proc/<pid>/stat, uname) was five system calls of every run's fixed cost.
 */
let thisProcess: { readonly pidStartTime: string | undefined; readonly host: string } | undefined

/**
 * Write to a temporary file, then rename: readers see the old file or the new one, never half. A
 * write that fails (a full disk) takes its temp file with it, rather than leave it for `weir runs gc`.
 */
function writeAtomic(path: string, text: string): void {
  const tmp = tempPathFor(path)
  try {
    writeFileSync(tmp, text)
    renameSync(tmp, path)
  } catch (error) {
    try {
      rmSync(tmp, { force: true })
    } catch {
      // The write's own error is the one to report.
    }
    throw error
  }
}
