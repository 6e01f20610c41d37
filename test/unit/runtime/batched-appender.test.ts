import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, test } from 'vitest'
import { openAppender } from '../../../src/runtime/run-store/batched-appender.ts'

const dirs: string[] = []
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

function tempFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'weir-appender-'))
  dirs.push(dir)
  return join(dir, 'journal.jsonl')
}

/** Writes `text` as ASCII bytes, or refuses (-1) when it is not ASCII, as journal-bytes.ts does. */
function writeAscii(buf: Uint8Array, pos: number, text: string): number {
  for (let k = 0; k < text.length; k++) {
    const c = text.charCodeAt(k)
    if (c > 0x7e) return -1
    buf[pos++] = c
  }
  return pos
}

describe('the batched appender', () => {
  test('keeps string lines and byte lines in the order they were appended, each whole, once committed', () => {
    const path = tempFile()
    const appender = openAppender(path, (error) => {
      throw error
    })
    appender.append('{"first":"ünïcødé 😀"}')
    expect(appender.appendBytes(32, writeAscii, '{"second":2}')).toBe(true)
    expect(appender.appendBytes(32, writeAscii, '{"refused":"é"}')).toBe(false)
    appender.append('{"third":3}')
    appender.commit()
    expect(readFileSync(path, 'utf8')).toBe('{"first":"ünïcødé 😀"}\n{"second":2}\n{"third":3}\n')
    appender.append('{"fourth":4}')
    appender.close()
    expect(readFileSync(path, 'utf8').split('\n')).toEqual(['{"first":"ünïcødé 😀"}', '{"second":2}', '{"third":3}', '{"fourth":4}', ''])
  })

  test('takes a line larger than its buffer, and a batch of many lines, whole', () => {
    const path = tempFile()
    const appender = openAppender(path, (error) => {
      throw error
    })
    const big = `{"big":"${'x'.repeat(200_000)}é"}`
    const lines = Array.from({ length: 30_000 }, (_, i) => `{"i":${i}}`)
    appender.append(lines[0]!)
    appender.append(big)
    for (const line of lines.slice(1)) appender.appendBytes(line.length, writeAscii, line)
    appender.close()
    expect(readFileSync(path, 'utf8')).toBe([lines[0], big, ...lines.slice(1)].join('\n') + '\n')
  })
})
