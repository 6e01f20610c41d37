/**
 * The lines of a child process's output, as `node:readline` gives them (a line ends at `\n`, `\r\n`
 * or a lone `\r`; the last one may have no end), without readline: the subprocess executor reads two
 * streams of every task process, and an Interface each cost more than the reading.
 */
import type { Readable } from 'node:stream'

const LINE_END = /\r\n|\n|\r/

/** Calls `onLine` with each line of `stream`, in order, the last one (without an end) when it ends or is closed. */
export function readLines(stream: Readable, onLine: (line: string) => void): void {
  // utf8 through a decoder: a character split between two chunks arrives whole.
  stream.setEncoding('utf8')
  let rest = ''
  stream.on('data', (chunk: string) => {
    let text = rest + chunk
    // A chunk that ends in '\r' may be cut inside a '\r\n': its line ends with the next chunk.
    const held = text.endsWith('\r') ? 1 : 0
    if (held) text = text.slice(0, -1)
    const lines = text.split(LINE_END)
    rest = lines.pop()! + (held ? '\r' : '')
    for (const line of lines) onLine(line)
  })
  const last = (): void => {
    if (rest === '') return
    // Only a lone '\r' can be left at the end: a line end, not part of the line.
    const line = rest.endsWith('\r') ? rest.slice(0, -1) : rest
    rest = ''
    onLine(line)
  }
  stream.on('end', last)
  // A stream closed before its end (destroyed by its reader) still gives the line it was in.
  stream.on('close', last)
}
