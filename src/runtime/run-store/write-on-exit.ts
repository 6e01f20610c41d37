/**
 * The run store queues what it writes (the journal's group commit, batched-appender.ts) and writes
 * it on the next turn of the event loop. A process that exits before that turn, because a handler
 * called `process.exit` or threw where nothing catches it, runs no further turn: without this, the
 * records of its last moments (the start of the very task that ended it) were lost, and the run
 * showed that task as never started. Node still runs `exit` listeners then, synchronously, so each
 * open file registers how to write its queue now. (A kill -9 runs nothing; the journal is built for
 * that separately: its lines are whole or absent.)
 */

const writers = new Set<() => void>()
let listening = false

/**
 * Calls `write` (synchronous) if the process exits while it is registered. Returns the function that
 * unregisters it (when its file is closed). One `exit` listener serves every open file, however many
 * runs one process holds open.
 */
export function writeOnExit(write: () => void): () => void {
  if (!listening) {
    listening = true
    process.on('exit', writeAll)
  }
  writers.add(write)
  return () => void writers.delete(write)
}

function writeAll(): void {
  for (const write of writers) write()
}

/**
 * Writes every open file's queue now: before a handler that may block the event loop for good
 * (blocked-loop-watchdog.ts), whose SIGKILL runs no `exit` listener. Only written, not flushed to
 * disk (that is the journal's own group commit): the process, not the machine, is what may die.
 */
export function writeQueuedNow(): void {
  writeAll()
}
