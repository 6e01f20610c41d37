/**
 * Appends lines to a file in batches (group commit): every line appended in one turn of the event
 * loop, or up to ~1 MB, goes out in a single write. A state change costs a string push, not a
 * syscall, which is what keeps the run store off the scheduler's hot path.
 *
 * Lines are whole or absent after a crash except possibly the last one, which a reader must
 * tolerate (see replay.ts).
 */
import { open } from 'node:fs/promises'
import type { FileHandle } from 'node:fs/promises'

const FLUSH_BYTES = 1 << 20

export interface BatchedAppender {
  /** Queues one line (without its newline). */
  append(line: string): void
  /** Resolves once everything queued so far is written. */
  flush(): Promise<void>
  /** Flushes, optionally fsyncs, and closes the file. */
  close(sync?: boolean): Promise<void>
}

/** Opens `path` for appending (created if missing). Write errors are reported once to `onError`. */
export async function openAppender(path: string, onError: (error: Error) => void): Promise<BatchedAppender> {
  const file = await open(path, 'a')
  return createAppender(file, onError)
}

function createAppender(file: FileHandle, onError: (error: Error) => void): BatchedAppender {
  let queued: string[] = []
  let queuedBytes = 0
  let scheduled = false
  let writing: Promise<void> = Promise.resolve()
  let failed = false

  function writeQueued(): Promise<void> {
    scheduled = false
    if (queued.length === 0) return writing
    const chunk = queued.join('\n') + '\n'
    queued = []
    queuedBytes = 0
    writing = writing.then(async () => {
      if (failed) return
      try {
        await file.write(chunk)
      } catch (error) {
        failed = true
        onError(error as Error)
      }
    })
    return writing
  }

  return {
    append(line) {
      queued.push(line)
      queuedBytes += line.length
      if (queuedBytes >= FLUSH_BYTES) void writeQueued()
      else if (!scheduled) {
        scheduled = true
        setImmediate(writeQueued)
      }
    },
    flush: () => writeQueued(),
    async close(sync = false) {
      await writeQueued()
      if (sync && !failed) await file.sync().catch(() => undefined)
      await file.close()
    },
  }
}
