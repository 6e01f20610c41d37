/**
 * A command's whole output, written once, as `weir spec validate` writes its report. Where standard
 * output is a file or a pipe (CI, an editor, a pre-commit hook) it is written with `write(2)` on
 * file descriptor 1 directly: making `process.stdout` loads Node's streams (~10M instructions, a
 * tenth of a bare `node`'s start) to write one string. A terminal, or anything unusual (a
 * non-blocking pipe that fills up), goes through `process.stdout` as before. A reader that went
 * away (`| head`) is ignored, as ignore-closed-output.ts does for the stream.
 */
import { fstatSync, writeSync } from 'node:fs'

const STDOUT = 1

/** True when standard output is a regular file, a pipe or a socket: never a terminal. */
export function stdoutIsFileOrPipe(): boolean {
  try {
    const stats = fstatSync(STDOUT)
    return stats.isFile() || stats.isFIFO() || stats.isSocket()
  } catch {
    return false
  }
}

/** Writes `text` to standard output (see the module comment). */
export function writeOutput(text: string): void {
  if (!stdoutIsFileOrPipe()) {
    process.stdout.write(text)
    return
  }
  const bytes = Buffer.from(text, 'utf8')
  let written = 0
  try {
    while (written < bytes.length) written += writeSync(STDOUT, bytes, written, bytes.length - written)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'EPIPE') return
    // A non-blocking pipe that is full: the stream waits for it instead.
    if (code === 'EAGAIN') process.stdout.write(bytes.subarray(written))
    else throw error
  }
}
