/**
 * The subprocess executor's line reader (src/plugins/executors/subprocess/read-lines.ts) gives the
 * lines node:readline gives, for any way the output is cut into chunks.
 */
import { createInterface } from 'node:readline'
import { PassThrough } from 'node:stream'
import { once } from 'node:events'
import { describe, expect, test } from 'vitest'
import { readLines } from '../../../src/plugins/executors/subprocess/read-lines.ts'

async function linesOf(chunks: readonly (string | Buffer)[], read: (stream: PassThrough, onLine: (line: string) => void) => void): Promise<string[]> {
  const stream = new PassThrough()
  const lines: string[] = []
  read(stream, (line) => lines.push(line))
  const ended = once(stream, 'end')
  for (const chunk of chunks) {
    stream.write(chunk)
    // One chunk at a time, as a pipe delivers them.
    await new Promise((resolve) => setImmediate(resolve))
  }
  stream.end()
  await ended
  await new Promise((resolve) => setImmediate(resolve))
  return lines
}

const byReadline = (stream: PassThrough, onLine: (line: string) => void): void => {
  createInterface({ input: stream, crlfDelay: Infinity }).on('line', onLine)
}

describe('readLines', () => {
  test.each([
    ['lines ended by \\n', ['a\nb\n']],
    ['a last line without an end', ['a\nb']],
    ['\\r\\n and a lone \\r', ['a\r\nb\rc\n']],
    ['\\r\\n cut between two chunks', ['a\r', '\nb\n']],
    ['a lone \\r at a chunk end', ['a\r', 'b\n']],
    ['a lone \\r at the very end', ['a\r']],
    ['empty lines', ['\n\n\r\n\r', '\r\n']],
    ['a line across chunks', ['ab', 'cd', 'ef\ngh']],
    ['nothing', []],
  ])('%s: as readline reads them', async (_, chunks) => {
    const ours = await linesOf(chunks, readLines)
    expect(ours).toEqual(await linesOf(chunks, byReadline))
  })

  test('a character cut between two chunks arrives whole', async () => {
    const bytes = Buffer.from('café ✓\n', 'utf8')
    const cut = bytes.indexOf(0xc3) + 1
    expect(await linesOf([bytes.subarray(0, cut), bytes.subarray(cut)], readLines)).toEqual(['café ✓'])
  })

  test('the expected lines, written out', async () => {
    expect(await linesOf(['one\r', '\ntwo\rthree', '\nfour'], readLines)).toEqual(['one', 'two', 'three', 'four'])
  })

  test('a stream its reader destroys before its end still gives its last line, once', async () => {
    // The subprocess executor closes a task process's pipes after it exited, when a process it started holds them.
    const stream = new PassThrough()
    const lines: string[] = []
    readLines(stream, (line) => lines.push(line))
    stream.write('a\nb')
    await new Promise((resolve) => setImmediate(resolve))
    stream.destroy()
    await once(stream, 'close')
    expect(lines).toEqual(['a', 'b'])
  })
})
