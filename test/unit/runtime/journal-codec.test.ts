import { describe, expect, test } from 'vitest'
import type { TaskEvent } from '../../../src/runtime/api.ts'
import { decodeJournal, encodeFinish, encodeHeader, encodeTaskEvent } from '../../../src/runtime/run-store/journal-codec.ts'
import type { JournalHeader } from '../../../src/runtime/run-store/journal-codec.ts'
import { applyTaskEvent, newTaskRecord } from '../../../src/runtime/run-store/apply-task-event.ts'
import { createTaskBoard } from '../../../src/cli/display/task-board.ts'
import { maxTaskEventBytes, writeTaskEventBytes } from '../../../src/runtime/run-store/journal-bytes.ts'

const header: JournalHeader = { runId: 'r1', pipeline: 'p', specHash: 'h', sourcePath: '/p.yaml', params: { n: 1 }, trigger: 'manual', tasks: ['a', 'b "quoted"\n'], at: 1000, pid: 42, host: 'box' }
const error = { code: 'HANDLER_ERROR', message: 'boom "x"\nline two', origin: 'user' as const, recoverable: true }
const output = { uri: 'file:///o.json', format: 'json' as const, io: 'fs' }

/** Every kind of task event, with the optional fields both present and absent. */
const events: TaskEvent[] = [
  { type: 'task:start', runId: 'r1', taskId: 'a', attempt: 1, at: 1001 },
  { type: 'task:retry', runId: 'r1', taskId: 'a', attempt: 1, delayMs: 250, error, at: 1002 },
  { type: 'task:start', runId: 'r1', taskId: 'a', attempt: 2, at: 1003 },
  { type: 'task:succeed', runId: 'r1', taskId: 'a', attempt: 2, at: 1004, output, values: { rows: 3, note: 'ünï' } },
  { type: 'task:succeed', runId: 'r1', taskId: 'b "quoted"\n', attempt: 1, at: 1005 },
  { type: 'task:succeed', runId: 'r1', taskId: 'k', attempt: 1, at: 1005, output, cachedFrom: { runId: 'r0', key: 'f'.repeat(64) } },
  { type: 'task:fail', runId: 'r1', taskId: 'c', attempt: 3, error, at: 1006 },
  { type: 'task:skip', runId: 'r1', taskId: 'd', reason: 'upstream_failed', at: 1007 },
  { type: 'task:cancel', runId: 'r1', taskId: 'e', attempt: 2, at: 1008 },
  { type: 'task:cancel', runId: 'r1', taskId: 'f', at: 1009 },
  { type: 'task:reuse', runId: 'r1', taskId: 'g', fromRunId: 'r0', output, values: { k: [1, 2] }, at: 1010 },
  { type: 'task:reuse', runId: 'r1', taskId: 'h', fromRunId: 'r0', at: 1011 },
]

describe('the journal codec (one shape: a journal line is a RunEvent, made compact)', () => {
  test('every task event decodes to exactly the event that was encoded', () => {
    const text = [encodeHeader(header), ...events.map(encodeTaskEvent), encodeFinish('failed', 2000)].join('\n') + '\n'
    const entries = decodeJournal(text)
    expect(entries[0]).toEqual({ kind: 'header', header })
    expect(entries.slice(1, -1)).toEqual(events.map((event) => ({ kind: 'task', event })))
    expect(entries.at(-1)).toEqual({ kind: 'finish', status: 'failed', at: 2000 })
    for (const line of text.trim().split('\n')) expect(() => JSON.parse(line)).not.toThrow()
  })

  test('reads journals written before the codec existed (format version 1)', () => {
    const v1 = [
      '{"e":"run","v":1,"runId":"old","pipeline":"p","specHash":"h","sourcePath":"/x.yaml","params":{},"trigger":"manual","tasks":["a"],"at":1,"pid":7,"host":"h"}',
      '{"e":"start","task":"a","attempt":1,"at":2}',
      '{"e":"succeed","task":"a","attempt":1,"at":3,"output":{"uri":"file:///o","format":"json","io":"fs"},"values":{"n":1}}',
      '{"e":"cancel","task":"b","at":4}',
      '{"e":"finish","status":"succeeded","at":5}',
    ].join('\n')
    const entries = decodeJournal(v1)
    expect(entries.map((e) => (e.kind === 'task' ? e.event.type : e.kind))).toEqual(['header', 'task:start', 'task:succeed', 'task:cancel', 'finish'])
    expect(entries[2]).toEqual({ kind: 'task', event: { type: 'task:succeed', runId: 'old', taskId: 'a', attempt: 1, at: 3, output: { uri: 'file:///o', format: 'json', io: 'fs' }, values: { n: 1 } } })
  })

  test('drops torn lines, lines before the header, a second header and unknown kinds', () => {
    const text = ['{"e":"start","task":"a","attempt":1,"at":0}', encodeHeader(header), encodeHeader({ ...header, runId: 'other' }), '{"e":"teleport","task":"a","at":1}', '{"e":"start","task":"a","att', encodeTaskEvent(events[0]!)].join('\n')
    expect(decodeJournal(text)).toEqual([{ kind: 'header', header }, { kind: 'task', event: events[0] }])
  })
})

describe('one reducer for a task state, wherever it is read', () => {
  test('the run store replay and the terminal board reach the same record from the same events', () => {
    const replayed = new Map<string, ReturnType<typeof newTaskRecord>>()
    const board = createTaskBoard()
    for (const event of events) {
      let record = replayed.get(event.taskId)
      if (!record) replayed.set(event.taskId, (record = newTaskRecord(event.taskId)))
      applyTaskEvent(record, event)
      board.apply(event)
    }
    for (const [id, record] of replayed) expect(board.tasks.get(id)!.record).toEqual(record)
    expect(replayed.get('a')).toMatchObject({ status: 'succeeded', attempts: [{ attempt: 1, status: 'failed', retryDelayMs: 250 }, { attempt: 2, status: 'succeeded', output }], values: { rows: 3 } })
    expect(board.tasks.get('g')).toMatchObject({ status: 'reused', note: 'from run r0' })
    expect(board.tasks.get('e')!.record.attempts).toEqual([])
  })

  test('the board shows a task waiting between attempts as retrying', () => {
    const board = createTaskBoard()
    board.apply(events[0]!)
    const retrying = board.apply(events[1]!)!
    // The note is shown on one terminal line: its line break as an escape (src/cli/escape-controls.ts).
    expect(retrying).toMatchObject({ status: 'retrying', note: 'boom "x"\\nline two (retry in 250ms)' })
    expect(retrying.record.attempts).toHaveLength(1)
    const running = board.apply(events[2]!)!
    expect(running).toMatchObject({ status: 'running', since: 1003 })
    expect(running.record.attempts).toHaveLength(2)
  })
})

describe('the journal bytes of a start and a plain success (journal-bytes.ts)', () => {
  const bytesOf = (event: TaskEvent): string | undefined => {
    const buf = new Uint8Array(maxTaskEventBytes(event.taskId.length))
    const end = writeTaskEventBytes(buf, 0, event)
    return end < 0 ? undefined : Buffer.from(buf.subarray(0, end)).toString('utf8')
  }

  test('a time repeated, changed, and back (the last time is kept as digits) is written as encodeTaskEvent writes it', () => {
    const times = [1_733_300_000_123, 1_733_300_000_123, 1_733_300_000_124, 999, 1_733_300_000_123, 1.5, 1_733_300_000_123, 0, 0]
    for (const [k, at] of times.entries()) {
      const event: TaskEvent = k % 2 === 0 ? { type: 'task:start', runId: 'r', taskId: `t${k}`, attempt: 1, at } : { type: 'task:succeed', runId: 'r', taskId: `t${k}`, attempt: 2, at }
      expect(bytesOf(event)).toBe(encodeTaskEvent(event))
    }
  })

  test('are exactly the line encodeTaskEvent writes, and every other event is left to it', () => {
    const more: TaskEvent[] = [
      { type: 'task:start', runId: 'r1', taskId: 'extract_orders-2.v1', attempt: 12, at: 1_733_300_000_123 },
      { type: 'task:start', runId: 'r1', taskId: 'z', attempt: 0, at: 0 },
      { type: 'task:succeed', runId: 'r1', taskId: 'x', attempt: 9, at: Number.MAX_SAFE_INTEGER },
      { type: 'task:start', runId: 'r1', taskId: 'odd', attempt: 1, at: 1.5 },
      { type: 'task:start', runId: 'r1', taskId: 'neg', attempt: 1, at: -7 },
      { type: 'task:start', runId: 'r1', taskId: 'big', attempt: 1, at: 1e21 },
    ]
    let direct = 0
    for (const event of [...events, ...more]) {
      const bytes = bytesOf(event)
      const plain = event.type === 'task:start' || (event.type === 'task:succeed' && !event.output && !event.values && !event.cachedFrom)
      if (bytes !== undefined) direct++
      if (plain && /^[\x20-\x7e]*$/.test(event.taskId) && !/["\\]/.test(event.taskId)) expect(bytes).toBe(encodeTaskEvent(event))
      else expect(bytes).toBeUndefined()
    }
    expect(direct).toBe(8)
  })

  test('leave ids JSON must escape, and ids beyond ASCII, to the string path', () => {
    for (const taskId of ['b "quoted"', 'back\\slash', 'new\nline', 'tab\t', 'ünï', '\u2028', 'emoji😀'])
      expect(bytesOf({ type: 'task:start', runId: 'r', taskId, attempt: 1, at: 1 })).toBeUndefined()
  })
})
