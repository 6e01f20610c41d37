/**
 * The first line of a journal, read without reading the rest: the header is written first, and a
 * journal may be large. Used by `weir runs gc` (does a run folder have its header?) and by weir ui
 * (which run did the process it started create?).
 */
import { open } from 'node:fs/promises'

/** The journal's first line with its newline, or the whole file when it has none: the header is written first. */
export async function readFirstLine(path: string): Promise<string> {
  const handle = await open(path, 'r')
  try {
    const chunks: Buffer[] = []
    for (let position = 0; ; ) {
      const buffer = Buffer.alloc(64 * 1024)
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, position)
      const nl = buffer.subarray(0, bytesRead).indexOf(10)
      chunks.push(buffer.subarray(0, nl >= 0 ? nl + 1 : bytesRead))
      if (nl >= 0 || bytesRead === 0) return Buffer.concat(chunks).toString('utf8')
      position += bytesRead
    }
  } finally {
    await handle.close()
  }
}
