/**
 * Task processes die with the `weir run` that started them. The subprocess executor hands each
 * `weir execute` one end of a pipe as fd 3 (named by WEIR_PARENT_PIPE_FD) and never writes to it.
 * When the parent dies, even by kill -9, which runs none of its own code, the kernel closes the
 * parent's end; the child sees end-of-file and exits. (A process group would need the parent alive
 * to signal it.) A child busy in synchronous code notices only when it yields; until then the run
 * store still counts it as working for the run (run-store/run-processes.ts), so a resume waits.
 */
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
    if (gone) return
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
