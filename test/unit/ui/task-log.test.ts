// The log endpoint's chunks: whole lines, about 64 KB of them; a long line is cut and says so,
// never dropped (a 100 KB last line used to make the whole tail empty).
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { appendFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { RunRecord } from '../../../src/runtime/run-store/records.ts'
import { readTaskLog } from '../../../src/ui/server/task-files.ts'

let stateDir: string
let run: RunRecord
const logPath = (): string => join(run.logDir, 't.log')
const read = (from?: number) => readTaskLog(run, stateDir, 't', from)

beforeEach(async () => {
  stateDir = await mkdtemp(join(tmpdir(), 'weir-task-log-'))
  run = { logDir: join(stateDir, 'runs', 'r', 'logs') } as RunRecord
  await mkdir(run.logDir, { recursive: true })
})
afterEach(async () => {
  await rm(stateDir, { recursive: true, force: true })
})

describe('a long line', () => {
  test('last in the log: the lines before it, and its first 16 KB marked as cut', async () => {
    const text = `first\n${'B'.repeat(100_000)}\n`
    await writeFile(logPath(), text)
    const chunk = await read()
    expect(chunk).toEqual({ text: `first\n${'B'.repeat(16_384)}… [line cut: 100000 bytes, the first 16384 shown]\n`, next: Buffer.byteLength(text), truncated: false })
  })

  test('in the middle: cut too, with the lines around it', async () => {
    await writeFile(logPath(), `a\n${'B'.repeat(70_000)}\nc\n`)
    const { text } = await read()
    expect(text.split('\n')).toEqual(['a', `${'B'.repeat(16_384)}… [line cut: 70000 bytes, the first 16384 shown]`, 'c', ''])
  })

  test('whose start lies beyond what the tail reads: its last 16 KB, marked, and the chunk says earlier bytes are left out', async () => {
    await writeFile(logPath(), `first\n${'B'.repeat(2_000_000)}\nlast\n`)
    const chunk = await read()
    expect(chunk.text).toBe(`[line cut: its start is not shown, its last 16384 bytes are] …${'B'.repeat(16_384)}\nlast\n`)
    expect(chunk.truncated).toBe(true)
  })

  test('cut inside a character: no half character is sent', async () => {
    await writeFile(logPath(), `${'é'.repeat(20_000)}\n`)
    const { text } = await read()
    expect(text).toBe(`${'é'.repeat(8192)}… [line cut: 40000 bytes, the first 16384 shown]\n`)
    await writeFile(logPath(), `x${'é'.repeat(20_000)}\n`)
    expect((await read()).text).toBe(`x${'é'.repeat(8191)}… [line cut: 40001 bytes, the first 16383 shown]\n`)
  })

  test('still being written after 64 KB, followed live: its first 16 KB now, its end marked once it ends', async () => {
    await writeFile(logPath(), `start\n${'B'.repeat(70_000)}`)
    const first = await read(0)
    expect(first.text).toBe(`start\n${'B'.repeat(16_384)}… [line cut: not finished after 70000 bytes, the first 16384 shown]\n`)
    expect(first.next).toBe(70_006)
    await appendFile(logPath(), `${'C'.repeat(10)}\nafter\n`)
    const second = await read(first.next)
    expect(second).toEqual({ text: `[line cut: its start is not shown] …${'C'.repeat(10)}\nafter\n`, next: 70_006 + 17, truncated: false })
  })
})

describe('short lines', () => {
  test('the tail is the last whole lines of about 64 KB; then what follows an offset, whole lines only', async () => {
    const lines = Array.from({ length: 10_000 }, (_, i) => `line ${i}`)
    await writeFile(logPath(), lines.join('\n') + '\n')
    const tail = await read()
    expect(tail.truncated).toBe(true)
    expect(tail.text.length).toBeLessThanOrEqual(64 * 1024)
    expect(tail.text.length).toBeGreaterThan(60 * 1024)
    expect(tail.text.endsWith('line 9999\n')).toBe(true)
    expect(lines).toContain(tail.text.split('\n')[0])
    expect(await read(tail.next)).toEqual({ text: '', next: tail.next, truncated: false })
    await appendFile(logPath(), 'more\nhalf')
    expect(await read(tail.next)).toEqual({ text: 'more\n', next: tail.next + 5, truncated: false })
  })

  test('a log that holds nothing, or no file at all', async () => {
    expect(await read()).toEqual({ text: '', next: 0, truncated: false })
    await writeFile(logPath(), '')
    expect(await read()).toEqual({ text: '', next: 0, truncated: false })
  })
})
