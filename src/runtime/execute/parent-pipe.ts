/**
 * Task processes die with the `weir run` that started them. The subprocess executor hands each
 * `weir execute` one end of a pipe as fd 3 (named by WEIR_PARENT_PIPE_FD) and never writes to it.
 * When the parent dies, even by kill -9, which runs none of its own code, the kernel closes the
 * parent's end; the child sees end-of-file and exits. (A process group would need the parent alive
 * to signal it.) A child busy in synchronous code notices only when it yields; until then the run
 * store still counts it as working for the run (run-store/run-processes.ts), so a resume waits.
 *
 * The child writes one line on the pipe, `recorded <exit code>`, once its attempt's result is
 * recorded (outputs.json or error.json written): from then on the attempt is decided, and the parent
 * takes it as ended without waiting for the process to exit (nor timing it out meanwhile).
 */
import { writeSync } from 'node:fs'
import { createRequire } from 'node:module'
import type { Socket } from 'node:net'

/** The environment variable that tells `weir execute` which fd is its parent's pipe. */
export const PARENT_PIPE_ENV = 'WEIR_PARENT_PIPE_FD'
/** The fd of the pipe in the child: the first after stdin, stdout and stderr. */
export const PARENT_PIPE_FD = 3

/**
 * How long an attempt runs before it starts watching. Watching needs node:net and the streams it
 * loads, which cost a task process more than a short task's whole run (17M instructions of 154M for
 * a no-op task): a task that ends sooner never loads them. A parent that dies in the meantime is seen
 * as soon as the watch starts (its end of the pipe is already closed).
 */
export const WATCH_AFTER_MS = 100

const RECORDED = 'recorded '

/** The pipe's fd in this process, once `watchParentPipe` found one. */
let parentFd: number | undefined
/** The attempt's result is recorded: the parent going away no longer stops this process. */
let decided = false

/**
 * In `weir execute`: calls `onParentGone` once the parent's end of the pipe closes (seen from
 * WATCH_AFTER_MS on). Does nothing unless the subprocess executor started this process (the
 * variable is set); the variable is removed so that processes the handler starts do not watch an
 * fd that means nothing to them.
 */
export function watchParentPipe(onParentGone: () => void): void {
  const fd = Number(process.env[PARENT_PIPE_ENV])
  delete process.env[PARENT_PIPE_ENV]
  if (!Number.isInteger(fd) || fd < 3) return
  parentFd = fd
  // Unreferenced: waiting to watch must not keep a finished attempt's process alive.
  setTimeout(() => watchPipe(fd, onParentGone), WATCH_AFTER_MS).unref()
}

function watchPipe(fd: number, onParentGone: () => void): void {
  let pipe: Socket
  try {
    // node:net (and the streams it loads) only here: an engine's task, with no pipe, never needs it.
    const { Socket: PipeSocket } = createRequire(import.meta.url)('node:net') as typeof import('node:net')
    pipe = new PipeSocket({ fd, readable: true, writable: false })
  } catch {
    return // Not a pipe after all (a wrapper closed it): nothing to watch.
  }
  let gone = false
  const once = (): void => {
    if (gone || decided) return
    gone = true
    onParentGone()
  }
  pipe.on('end', once)
  pipe.on('close', once)
  pipe.on('error', once)
  pipe.resume()
  // Watching must not keep this process alive by itself.
  pipe.unref()
}

/**
 * In `weir execute`, once the attempt's result is recorded: tells the parent (when one is watching)
 * that the attempt ended with `exitCode`. Written synchronously, before the process exits.
 */
export function tellParentRecorded(exitCode: number): void {
  decided = true
  if (parentFd === undefined) return
  try {
    writeSync(parentFd, `${RECORDED}${exitCode}\n`)
  } catch {
    // The parent is gone, or the fd is not its pipe after all: nobody is waiting for this line.
  }
}

/** In the parent: the exit code a line of the pipe reports, or undefined when the line says nothing of the kind. */
export function recordedExitCode(line: string): number | undefined {
  if (!line.startsWith(RECORDED)) return undefined
  const code = Number(line.slice(RECORDED.length))
  return Number.isInteger(code) && code >= 0 ? code : undefined
}
