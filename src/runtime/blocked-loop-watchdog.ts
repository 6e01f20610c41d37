/**
 * The last resort for a handler that blocks the event loop in process (`while (true) {}`, a
 * synchronous computation far past its task's timeout). JavaScript cannot be interrupted from
 * JavaScript: the timeout's timer never fires, Ctrl-C and SIGTERM are never handled (their
 * listeners run on the blocked loop), and the run would hang for good. So a thread of its own
 * watches the loop: once an in-process attempt is past its timeout by GRACE_MS and the loop has
 * not turned for GRACE_MS, it names the task and kills the process (SIGKILL: nothing
 * else reaches a blocked process). The run store is safe against that (the journal is written as
 * the run goes); the run is left interrupted, to resume. `--executor subprocess` gives the same
 * timeout without this: the attempt's own process is killed, and the attempt fails as TASK_TIMEOUT.
 *
 * Off unless a command turns it on (`weir run`, `weir schedule`): a program that calls
 * runPipeline itself decides what may kill its process. Only attempts with a timeout are watched,
 * and the thread starts with the first of them. Not in `weir execute`: a thread costs ~30 ms of CPU
 * to start, which every task process would pay, and whatever starts a task process (the subprocess
 * executor, an engine) enforces the task's timeout on it from outside.
 */
import type { AttemptRequest } from '../plugins/types.ts'
import { formatDuration } from '../spec/duration.ts'
import { writeQueuedNow } from './run-store/write-on-exit.ts'

/**
 * How long past its deadline an attempt may be while the loop has not turned for as long. Generous:
 * the thread cannot tell whose code blocks, and a long synchronous step of another task (no
 * timeout of its own) must not stop a run because a task waiting beside it ran out of time (its
 * timer fires when the step ends, and it fails as TASK_TIMEOUT, as always).
 */
export const GRACE_MS = 10_000
const BEAT_MS = 250

interface Watchdog {
  /** Milliseconds since the epoch of the loop's last turn, read by the thread. */
  readonly beat: Float64Array
  readonly post: (message: WatchMessage) => void
  next: number
}

type WatchMessage = { readonly watch: number; readonly deadline: number; readonly says: string } | { readonly clear: number }

let enabled = false
let resumeHint: ((runId: string) => string) | undefined
let watchdog: Watchdog | undefined

/** Turns the watchdog on for this process (the CLI's long-running commands); `resume` gives the command that resumes a run. */
export function enableBlockedLoopWatchdog(resume?: (runId: string) => string): void {
  enabled = true
  resumeHint = resume
}

/**
 * Watches one in-process attempt with a timeout until the returned function is called (when it
 * settles) or its signal aborts (its timeout fired, or the run was cancelled: the loop is turning).
 * Undefined, and nothing watched, when the watchdog is off or the task has no timeout.
 */
export function watchInProcessAttempt(request: AttemptRequest): (() => void) | undefined {
  const timeoutMs = request.task.timeoutMs
  if (!enabled || timeoutMs === undefined) return undefined
  const dog = (watchdog ??= startWatchdog())
  // If this handler blocks the loop, the watchdog's SIGKILL runs no exit listener: whatever the run
  // store and the display hold now (this attempt's start, the end of the task before) is written first.
  writeQueuedNow()
  for (const flush of beforeWatched) flush()
  const id = dog.next++
  const says =
    `weir: task '${request.task.id}'${request.item === undefined ? '' : ` (item ${request.item.index})`}, attempt ${request.attempt}, is ${formatDuration(GRACE_MS)} past its timeout of ` +
    `${formatDuration(timeoutMs)}, and this process's event loop has not turned for as long: a handler is running synchronous code (a loop or a computation: ` +
    `most likely this task's, else another task's running in process), which nothing in the process can interrupt. ` +
    `weir stops the process; run ${request.runId} is kept as interrupted${resumeHint === undefined ? '' : ` (resume: ${resumeHint(request.runId)})`}. ` +
    `Run such a handler with --executor subprocess, where its timeout stops the task's own process, or make it yield (await) while it works.\n`
  dog.post({ watch: id, deadline: Date.now() + timeoutMs, says })
  let cleared = false
  const clear = (): void => {
    if (cleared) return
    cleared = true
    request.signal.removeEventListener('abort', clear)
    dog.post({ clear: id })
  }
  request.signal.addEventListener('abort', clear, { once: true })
  return clear
}

const beforeWatched = new Set<() => void>()

/**
 * Registers `flush` (synchronous) to run before each watched attempt: a display's held lines, which
 * the SIGKILL of a blocked process would lose. Returns how to unregister it.
 */
export function flushBeforeWatchedAttempts(flush: () => void): () => void {
  beforeWatched.add(flush)
  return () => void beforeWatched.delete(flush)
}

function startWatchdog(): Watchdog {
  const { Worker } = process.getBuiltinModule('node:worker_threads')
  const beat = new Float64Array(new SharedArrayBuffer(8))
  beat[0] = Date.now()
  const worker = new Worker(WATCHER, { eval: true, workerData: { beat, graceMs: GRACE_MS }, stdout: false, stderr: false })
  worker.unref()
  // A beat per turn would cost every turn; one every BEAT_MS says the loop still turns.
  setInterval(() => {
    beat[0] = Date.now()
  }, BEAT_MS).unref()
  return { beat, post: (message) => worker.postMessage(message), next: 1 }
}

/**
 * The thread. It keeps the watched attempts (id → deadline and what to say); every 500 ms it
 * checks the oldest deadline. Its own loop never blocks, so it sees what the main thread cannot.
 * Written to stderr with a plain write(2): the main thread's streams are the blocked loop's.
 */
const WATCHER = `
const { parentPort, workerData } = require('node:worker_threads')
const { writeSync } = require('node:fs')
const { beat, graceMs } = workerData
const watched = new Map()
parentPort.on('message', (m) => { if (m.clear !== undefined) watched.delete(m.clear); else watched.set(m.watch, m) })
setInterval(() => {
  const now = Date.now()
  if (now - beat[0] < graceMs) return
  for (const w of watched.values()) {
    if (now < w.deadline + graceMs) continue
    try { writeSync(2, w.says) } catch {}
    process.kill(process.pid, 'SIGKILL')
  }
}, 500)
`
