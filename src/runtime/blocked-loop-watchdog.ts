/**
 * The last resort for a handler that blocks the event loop (`while (true) {}`, a synchronous
 * computation far past its task's timeout). JavaScript cannot be interrupted from JavaScript: the
 * timeout's timer never fires, Ctrl-C and SIGTERM are never handled (their listeners run on the
 * blocked loop), and the process would hang for good. So a thread of its own watches the loop, and
 * acts once a watched attempt is past its timeout by a grace and the loop has not turned for as long:
 *
 * - in `weir run` and `weir schedule` (`watchInProcessAttempt`, grace GRACE_MS) it names the task
 *   and kills the process (SIGKILL: nothing else reaches a blocked process). The run store is safe
 *   against that (the journal is written as the run goes); the run is left interrupted, to resume.
 *   Other tasks share the process, so it stops nothing finer than the whole run.
 * - in `weir execute` (`watchExecuteAttempt`, grace EXECUTE_GRACE_MS) the process holds one attempt,
 *   and its verdict (error.json, the exit code engines retry by) must still be written. So the thread
 *   interrupts the main thread through the inspector: it evaluates a hook there (`Runtime.evaluate`
 *   runs even in a busy loop, at V8's next interrupt check), which decides how the attempt ends:
 *   - with no callback of Node's on the stack (`executionAsyncId()` is 0: the handler blocks in a
 *     promise's continuation, as an async handler does), the thread then stops the running
 *     JavaScript (`Runtime.terminateExecution`, a debugger's "stop": it unwinds, uncatchably, and
 *     the loop turns again). The attempt's own timer fires, and the attempt is recorded as
 *     TASK_TIMEOUT by the same code and through the same store as any timeout;
 *   - inside a callback (a timer, an immediate, a tick, an I/O callback, or a promise under async
 *     hooks), unwinding would skip the code that keeps Node's async context stack, and Node would
 *     abort on the next callback. The hook then records the attempt itself, synchronously (its
 *     error.json where the store can write so: a local folder), and ends the process there with
 *     the exit code that goes with it.
 *   A handler blocked in a synchronous call that no interrupt reaches (`execSync`, a native
 *   addon's), or a Node without an inspector, is killed (SIGKILL, status 137) once the loop is
 *   still blocked a grace later (so is a process still there STUCK_MS after it was stopped); where
 *   the output prefix is a local folder the thread first writes the attempt's error.json itself
 *   (prepared by the main thread), so an engine's retry, and the Databricks launcher, still read
 *   TASK_TIMEOUT.
 *
 * Off unless a command turns it on (`weir run`, `weir schedule`, `weir execute`): a program that
 * calls runPipeline itself decides what may kill its process. Only attempts with a timeout are
 * watched, and the thread (20–30 ms of CPU to start) starts with the first of them, or, in
 * `weir execute`, as soon as it knows its task has a timeout (`startBlockedLoopWatchdog`).
 */
import type { AttemptRequest } from '../plugins/types.ts'
import { formatDuration } from '../spec/duration.ts'
import { writeQueuedNow } from './run-store/write-on-exit.ts'
import { exitAsWeir } from './own-exit.ts'

/**
 * How long past its deadline an attempt may be while the loop has not turned for as long. Generous:
 * the thread cannot tell whose code blocks, and a long synchronous step of another task (no
 * timeout of its own) must not stop a run because a task waiting beside it ran out of time (its
 * timer fires when the step ends, and it fails as TASK_TIMEOUT, as always).
 */
export const GRACE_MS = 10_000
/**
 * The same for the one attempt of a `weir execute` process: nothing else runs there, so a loop
 * still blocked this long past the attempt's deadline is its handler's. Also how long an interrupt
 * gets to free the loop before the process is killed.
 */
export const EXECUTE_GRACE_MS = 2_000
/**
 * How long a `weir execute` process may take to record its attempt and exit once its handler was
 * interrupted, even while its loop turns. An interrupt that lands just after the handler let go
 * stops the next JavaScript to run instead (what `Runtime.terminateExecution` does when none is
 * running), which may be the timeout's own timer: nothing would then end the process but this.
 */
export const STUCK_MS = 30_000
const BEAT_MS = 250

interface Watchdog {
  /** Milliseconds since the epoch of the loop's last turn, read by the thread. */
  readonly beat: Float64Array
  readonly post: (message: WatchMessage) => void
  /** Calls `released` once the thread has closed its inspector session after interrupting watch `id`. */
  readonly onReleased: (id: number, released: () => void) => void
  next: number
}

/** A document the thread writes before it kills the process (a local file: see `watchExecuteAttempt`). */
export interface LastWords {
  readonly file: string
  /** The temp file it is written to first, then renamed over `file` (temp-files.ts names it). */
  readonly temp: string
  readonly bytes: Uint8Array
}

type WatchMessage =
  | { readonly watch: number; readonly deadline: number; readonly graceMs: number; readonly says: string; readonly interrupt?: boolean; readonly lastWords?: LastWords }
  | { readonly clear: number }

let enabled = false
let resumeHint: ((runId: string) => string) | undefined
let watchdog: Watchdog | undefined

/** Turns the watchdog on for this process (`weir run`, `weir schedule`, `weir execute`); `resume` gives the command that resumes a run. */
export function enableBlockedLoopWatchdog(resume?: (runId: string) => string): void {
  enabled = true
  resumeHint = resume
}

/**
 * Starts the thread now, when the watchdog is on (`weir execute`, once it knows its task has a
 * timeout): it then starts while the process reads its spec, inputs and handler, rather than after.
 */
export function startBlockedLoopWatchdog(): void {
  if (enabled) watchdog ??= startWatchdog()
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
  dog.post({ watch: id, deadline: Date.now() + timeoutMs, graceMs: GRACE_MS, says })
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

/** The watch of a `weir execute` attempt (`watchExecuteAttempt`). */
export interface ExecuteWatch {
  /** Whether the thread stopped the attempt's JavaScript: its timeout fired while the loop was blocked. */
  interrupted(): boolean
  /**
   * Resolves once the thread has closed the inspector session it stopped the JavaScript through
   * (at once when it did not), or after `maxMs`: a process that exits while the session is open
   * makes Node print "Waiting for the debugger to disconnect...".
   */
  released(maxMs?: number): Promise<void>
  /** The attempt settled on its own: stop watching it. Harmless after an interrupt, which stays watched until the process ends. */
  clear(): void
}

/** How a `weir execute` attempt ends when the watchdog finds its handler blocking the loop. */
export interface BlockedAttemptEnd {
  /** Printed when the process has to be killed, after `lastWords` are written. */
  readonly says: string
  /** The attempt's error.json, for the thread to write before a kill (a local folder only). */
  readonly lastWords?: LastWords
  /**
   * Records the attempt as timed out, synchronously, from within the blocked code (its error.json
   * where the store can, and the report on stderr), and returns the exit code that goes with it.
   */
  readonly recordNow: () => number
}

/** Where the main thread keeps the hook the thread evaluates (`Runtime.evaluate`) for a `weir execute` attempt. */
const HOOK = 'weir.blockedLoopWatchdog'

/**
 * Watches the one attempt of a `weir execute` process, whose task has a timeout of `timeoutMs`
 * starting now (see the module comment for what happens to a handler that blocks the loop).
 */
export function watchExecuteAttempt(timeoutMs: number, end: BlockedAttemptEnd): ExecuteWatch | undefined {
  if (!enabled) return undefined
  const dog = (watchdog ??= startWatchdog())
  const id = dog.next++
  let interrupted = false
  ;(globalThis as Record<symbol, unknown>)[Symbol.for(HOOK)] = (watch: number): string => {
    if (watch !== id) return 'gone'
    // No callback of Node's on the stack (see the module comment): the running code may be unwound.
    if (process.getBuiltinModule('node:async_hooks').executionAsyncId() === 0) {
      interrupted = true
      return 'terminate'
    }
    const code = end.recordNow()
    silenceStderr()
    return exitAsWeir(code)
  }
  dog.post({ watch: id, deadline: Date.now() + timeoutMs, graceMs: EXECUTE_GRACE_MS, says: end.says, interrupt: true, ...(end.lastWords && { lastWords: end.lastWords }) })
  let released: Promise<void> | undefined
  return {
    interrupted: () => interrupted,
    released(maxMs = 1000) {
      if (!interrupted) return Promise.resolve()
      return (released ??= new Promise<void>((resolve) => {
        const bound = setTimeout(resolve, maxMs)
        dog.onReleased(id, () => {
          clearTimeout(bound)
          resolve()
        })
      }))
    },
    clear: () => dog.post({ clear: id }),
  }
}

/**
 * Points this process's stderr at /dev/null, for a process that ends from within the watchdog's
 * hook: Node prints "Waiting for the debugger to disconnect..." as it exits with an inspector session
 * open, and the thread's is, since this thread is still inside the call that session made. Its own
 * report is written by then. Not on Windows, which has no /dev/null (the line is printed there).
 */
function silenceStderr(): void {
  if (process.platform === 'win32') return
  const { closeSync, openSync } = process.getBuiltinModule('node:fs')
  try {
    closeSync(2)
    openSync('/dev/null', 'w') // takes the lowest free descriptor: 2
  } catch {
    // The line is printed: no harm done.
  }
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
  const worker = new Worker(WATCHER, { eval: true, workerData: { beat, hook: HOOK }, stdout: false, stderr: false })
  // Watch id → what to call once the thread's session is closed; `true` when that came first.
  const releases = new Map<number, (() => void) | true>()
  worker.on('message', (m: { released: number }) => {
    const released = releases.get(m.released)
    if (typeof released === 'function') released()
    else releases.set(m.released, true)
  })
  // After the listener, which holds the process open otherwise: the thread never keeps it alive.
  worker.unref()
  // A beat per turn would cost every turn; one every BEAT_MS says the loop still turns.
  setInterval(() => {
    beat[0] = Date.now()
  }, BEAT_MS).unref()
  return { beat, post: (message) => worker.postMessage(message), onReleased: (id, released) => (releases.get(id) === true ? released() : void releases.set(id, released)), next: 1 }
}

/**
 * The thread. It keeps the watched attempts (id → deadline, grace and what to do); every 250 ms it
 * checks them. Its own loop never blocks, so it sees what the main thread cannot. Written to stderr
 * with a plain write(2): the main thread's streams are the blocked loop's.
 *
 * A watch with `interrupt` (weir execute) is interrupted first: the main thread's hook either ends
 * the process itself or answers 'terminate', and the thread stops the running JavaScript. It is
 * killed only when the loop is blocked again (or still) a grace after that, or the process is still
 * there STUCK_MS after it; an interrupted watch stays watched after it is cleared (its attempt
 * settled by its timeout), so a handler's leftover callback that blocks the loop again cannot hold
 * the process. Its `lastWords` are written as the fs IoManager writes a document (temp file, fsync,
 * rename, fsync of the folder), before the kill.
 */
const WATCHER = `
const { parentPort, workerData } = require('node:worker_threads')
const { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } = require('node:fs')
const { dirname } = require('node:path')
const { beat, hook } = workerData
const watched = new Map()
parentPort.on('message', (m) => {
  if (m.clear === undefined) watched.set(m.watch, m)
  else if (watched.get(m.clear)?.interruptedAt === undefined) watched.delete(m.clear)
})
setInterval(() => {
  const now = Date.now()
  for (const w of watched.values()) {
    if (now < w.deadline + w.graceMs) continue
    const blocked = now - beat[0] >= w.graceMs
    if (w.interruptedAt === undefined) {
      if (blocked) w.interrupt ? interrupt(w, now) : kill(w)
    } else if ((blocked && now - w.interruptedAt >= w.graceMs) || now - w.interruptedAt >= ${STUCK_MS}) kill(w)
  }
}, 250)
function interrupt(w, now) {
  w.interruptedAt = now
  try {
    const session = new (require('node:inspector').Session)()
    session.connectToMainThread()
    const expression = 'globalThis[Symbol.for(' + JSON.stringify(hook) + ')](' + w.watch + ')'
    session.post('Runtime.evaluate', { expression, returnByValue: true }, (error, reply) => {
      const answer = reply?.result?.value
      if (error || answer !== 'terminate') {
        session.disconnect()
        if (answer === 'gone') watched.delete(w.watch)
        else kill(w)
        return
      }
      session.post('Runtime.terminateExecution', () => {
        session.disconnect()
        parentPort.postMessage({ released: w.watch })
      })
    })
  } catch {
    kill(w)
  }
}
function kill(w) {
  if (w.lastWords) writeLastWords(w.lastWords)
  try { writeSync(2, w.says) } catch {}
  process.kill(process.pid, 'SIGKILL')
}
function writeLastWords({ file, temp, bytes }) {
  let fd
  try {
    fd = openSync(temp, 'wx')
    for (let at = 0; at < bytes.byteLength; ) at += writeSync(fd, bytes, at)
    fsyncSync(fd)
    closeSync(fd)
    fd = undefined
    renameSync(temp, file)
    const dir = openSync(dirname(file), 'r')
    try { fsyncSync(dir) } finally { closeSync(dir) }
  } catch {
    try { if (fd !== undefined) closeSync(fd); unlinkSync(temp) } catch {}
  }
}
`
