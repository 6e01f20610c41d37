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
 * tolerate (see replay.ts). A process that exits (`process.exit` in a handler) writes what is queued
 * on its way out (write-on-exit.ts).
 *
 * A write that fails (a full disk, a quota, a file size limit) may have written part of its batch:
 * the file then ends in a torn line, as after a crash, and nothing more is ever written to it (a
 * later line would be glued to the torn one). `commit()` says so, and so does `onError`, once.
 *
 * The queue is one byte buffer, reused from batch to batch: a line is encoded into it when
 * appended (or written there directly, `appendBytes`), and a batch is one `writeSync` of its bytes.
 */
import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs'
import { writeOnExit } from './write-on-exit.ts'

const FLUSH_BYTES = 1 << 20

export interface BatchedAppender {
  /** Queues one line (without its newline). */
  append(line: string): void
  /**
   * Queues one line written by `write(buf, pos, arg)` straight into the queue's bytes (at most
   * `maxBytes` of them, without the newline); `write` returns the line's end, or -1 to write
   * nothing (the caller then appends the line as a string). Returns whether a line was queued.
   */
  appendBytes<A>(maxBytes: number, write: (buf: Uint8Array, pos: number, arg: A) => number, arg: A): boolean
  /**
   * Writes everything queued so far to the file now; once it returns true, a kill -9 cannot lose it.
   * False once a write has failed: these lines are not in the file, and no line will be.
   */
  commit(): boolean
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
  let buf = Buffer.allocUnsafe(64 * 1024)
  let used = 0
  let scheduled = false
  let failed = false

  /** Writes the queue; returns whether the file holds every line appended so far. */
  function writeQueued(): boolean {
    if (used === 0) return !failed
    const length = used
    used = 0
    if (failed) return false
    try {
      // A short write (a full disk, a signal) would leave a torn line: write the rest or fail trying.
      for (let done = 0; done < length; ) done += writeSync(fd, buf, done, length - done)
      return true
    } catch (error) {
      failed = true
      onError(error as Error)
      return false
    }
  }

  function writeScheduled(): void {
    scheduled = false
    writeQueued()
  }

  /** Room for `bytes` more bytes in the queue (a line larger than the buffer grows it). */
  function reserve(bytes: number): void {
    if (used + bytes <= buf.length) return
    const grown = Buffer.allocUnsafe(Math.max(buf.length * 2, used + bytes))
    buf.copy(grown, 0, 0, used)
    buf = grown
  }

  function queued(): void {
    buf[used++] = 0x0a
    if (used >= FLUSH_BYTES) writeQueued()
    else if (!scheduled) {
      scheduled = true
      setImmediate(writeScheduled)
    }
  }

  const forgetOnExit = writeOnExit(writeQueued)
  return {
    append(line) {
      // At most 3 bytes of UTF-8 per UTF-16 unit, and the newline.
      reserve(line.length * 3 + 1)
      used += buf.write(line, used, 'utf8')
      queued()
    },
    appendBytes(maxBytes, write, arg) {
      reserve(maxBytes + 1)
      const end = write(buf, used, arg)
      if (end < 0) return false
      used = end
      queued()
      return true
    },
    commit: writeQueued,
    close(sync = false) {
      forgetOnExit()
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
