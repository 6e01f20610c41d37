/**
 * Appends lines to a file in batches (group commit): every line appended in one turn of the event
 * loop, or up to ~1 MB, goes out in a single write. A state change costs a string push, not a
 * syscall, which is what keeps the run store off the scheduler's hot path.
 *
 * A caller that must not go on before its lines are in the file (a task's success, before anything
 * downstream of it starts) calls `commit()`, which writes what is queued at once. Writes are
 * synchronous so that a commit needs no turn of the event loop (awaiting a write from the thread
 * pool made a chain of tasks ~5× slower) and can never overtake an earlier batch: the file always
 * holds a prefix of the records, in order. A write to the page cache takes microseconds.
 *
 * Lines are whole or absent after a crash except possibly the last one, which a reader must
 * tolerate (see replay.ts).
 */
import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs'

const FLUSH_BYTES = 1 << 20

export interface BatchedAppender {
  /** Queues one line (without its newline). */
  append(line: string): void
  /** Writes everything queued so far to the file now; once it returns, a kill -9 cannot lose it. */
  commit(): void
  /** Flushes, optionally fsyncs, and closes the file. */
  close(sync?: boolean): void
}

/**
 * Opens `path` for appending (created if missing). Write errors are reported once to `onError`.
 * Opening and closing are synchronous too: they are one system call each, while an async open or
 * close waits for a thread of the pool and a turn of the event loop, which was most of the fixed
 * cost of a short run.
 */
export function openAppender(path: string, onError: (error: Error) => void): BatchedAppender {
  return createAppender(openSync(path, 'a'), onError)
}

function createAppender(fd: number, onError: (error: Error) => void): BatchedAppender {
  let queued: string[] = []
  let queuedBytes = 0
  let scheduled = false
  let failed = false

  function writeQueued(): void {
    if (queued.length === 0) return
    const text = queued.join('\n') + '\n'
    queued = []
    queuedBytes = 0
    if (failed) return
    try {
      const written = writeSync(fd, text)
      // A short write (a full disk, a signal) would leave a torn line: write the rest or fail trying.
      if (written < Buffer.byteLength(text)) writeRest(fd, Buffer.from(text), written)
    } catch (error) {
      failed = true
      onError(error as Error)
    }
  }

  function writeScheduled(): void {
    scheduled = false
    writeQueued()
  }

  return {
    append(line) {
      queued.push(line)
      queuedBytes += line.length
      if (queuedBytes >= FLUSH_BYTES) writeQueued()
      else if (!scheduled) {
        scheduled = true
        setImmediate(writeScheduled)
      }
    },
    commit: writeQueued,
    close(sync = false) {
      writeQueued()
      if (sync && !failed)
        try {
          fsyncSync(fd)
        } catch {
          // The lines are written; a failed fsync only weakens the guarantee against a machine crash.
        }
      closeSync(fd)
    },
  }
}

function writeRest(fd: number, bytes: Buffer, offset: number): void {
  while (offset < bytes.length) offset += writeSync(fd, bytes, offset)
}
