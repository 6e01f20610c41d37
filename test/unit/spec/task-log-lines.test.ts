import { describe, expect, test } from 'vitest'
import { formatTaskLogLines, parseTaskLogLine } from '../../../src/spec/task-log-lines.ts'

describe('task log lines on stderr', () => {
  test('each line of a message is written with the task and level, and read back as such', () => {
    const text = formatTaskLogLines('load', 'error', 'first\r\nsecond', { rows: 3 })
    expect(text).toBe('[load] error first\n[load] error second {"rows":3}\n')
    expect(text.split('\n').filter(Boolean).map((l) => parseTaskLogLine(l, 'load'))).toEqual([
      { level: 'error', text: 'first' },
      { level: 'error', text: 'second {"rows":3}' },
    ])
  })

  test('fields that cannot be JSON do not stop the message', () => {
    const cycle: Record<string, unknown> = {}
    cycle.self = cycle
    expect(formatTaskLogLines('a', 'debug', 'm', cycle)).toBe('[a] debug m [object Object]\n')
  })

  test("another task's line, an unknown level or plain text is not a log line of this task", () => {
    for (const line of ['[b] info x', '[a] notice x', '[a]info x', 'plain', '[a] info']) expect(parseTaskLogLine(line, 'a')).toBeUndefined()
    expect(parseTaskLogLine('[a] info ', 'a')).toEqual({ level: 'info', text: '' })
  })
})

test('a logged value whose every read throws (a Proxy) is a line saying so, not a throw from ctx.log', () => {
  const proxy = new Proxy({}, { get() { throw new Error('proxy boom') } })
  expect(formatTaskLogLines('a', 'info', proxy)).toBe('[a] info an object that cannot be read (reading it threw)\n')
})
