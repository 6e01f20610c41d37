/**
 * A reader that goes away (`weir run … | head`, a closed terminal) must not crash a command with a
 * stack trace, nor stop a run halfway: what is written to a closed pipe is dropped and the command
 * carries on to its own exit code. Any other write error is still a bug to see.
 */
export function ignoreClosedOutput(stream: NodeJS.WriteStream): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') return
    throw error
  })
}
