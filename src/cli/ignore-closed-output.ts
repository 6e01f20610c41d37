/**
 * A reader that goes away (`weir run … | head`, a closed terminal) must not crash a command with a
 * stack trace, nor stop a run halfway: what is written to a closed pipe is dropped and the command
 * carries on to its own exit code. Any other write error is still a bug to see.
 *
 * The listener goes on when the stream is first used: making process.stdout or process.stderr
 * loads node:stream (and node:net for a pipe), which a command that prints nothing, such as a
 * `weir execute` of a task that logs nothing, never needs.
 */
/** The streams made so far (see `outputStreamsMade`). */
const made = new Set<NodeJS.WriteStream>()

export function ignoreClosedOutput(name: 'stdout' | 'stderr', owner: Pick<NodeJS.Process, 'stdout' | 'stderr'> = process): void {
  const own = Object.getOwnPropertyDescriptor(owner, name)
  const get = own?.get
  if (!own || !get || !own.configurable) return listen(owner[name] as NodeJS.WriteStream)
  Object.defineProperty(owner, name, {
    configurable: true,
    enumerable: own.enumerable ?? true,
    get() {
      // Node's getter from now on: it makes the stream once and keeps it.
      Object.defineProperty(owner, name, own)
      const stream = get.call(owner) as NodeJS.WriteStream
      listen(stream)
      return stream
    },
  })
}

/**
 * The streams of those given to `ignoreClosedOutput` that something has used, and that may hold
 * output not written yet: asking for the others would make them.
 */
export function outputStreamsMade(): readonly NodeJS.WriteStream[] {
  return [...made]
}

function listen(stream: NodeJS.WriteStream): void {
  made.add(stream)
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') return
    throw error
  })
}
