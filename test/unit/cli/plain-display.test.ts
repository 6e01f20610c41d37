/**
 * The plain display (logs, CI) gathers its lines and writes them once per turn of the event loop,
 * not once per line (issue 16), yet a log gets every state change, in order, and nothing is lost
 * when the process exits before the next turn: by `process.exit` or by an uncaught error.
 */
import { spawnSync } from 'node:child_process'
import { resolve } from 'node:path'
import { describe, expect, test } from 'vitest'
import { createPlainDisplay } from '../../../src/cli/display/plain-display.ts'
import { createTaskBoard } from '../../../src/cli/display/task-board.ts'
import { createPalette } from '../../../src/cli/colors.ts'
import type { RunEvent } from '../../../src/runtime/api.ts'

const TASKS = 2_000

// Also the source of the child processes' events (written into their script).
function events(): RunEvent[] {
  const ids = Array.from({ length: TASKS }, (_, i) => `t${i}`)
  return [
    { type: 'run:start', runId: 'r', pipeline: 'p', at: 0, tasks: ids },
    ...ids.flatMap((taskId): RunEvent[] => [
      { type: 'task:start', runId: 'r', taskId, attempt: 1, at: 1 },
      { type: 'task:succeed', runId: 'r', taskId, attempt: 1, at: 3 },
    ]),
  ]
}

function expectedLines(): string[] {
  return ['run r of p: 2000 tasks', ...Array.from({ length: TASKS }, (_, i) => [`▶ t${i} started`, `✓ t${i} succeeded in 2ms`]).flat()]
}

describe('the plain display', () => {
  test('a note (a run store error, on stderr) comes after the lines held so far, not before them', () => {
    const written: string[] = []
    const out = { write: (text: string) => written.push(`out: ${text}`) } as unknown as NodeJS.WritableStream
    const err = { write: (text: string) => written.push(`err: ${text}`) } as unknown as NodeJS.WritableStream
    const display = createPlainDisplay(out, createTaskBoard(), createPalette(false))
    for (const e of events().slice(0, 3)) display.onEvent(e)
    display.note('weir: run: cannot write the journal\n', err)
    display.stop()
    expect(written).toEqual(['out: run r of p: 2000 tasks\n▶ t0 started\n✓ t0 succeeded in 2ms\n', 'err: weir: run: cannot write the journal\n'])
  })

  test('writes every line in order, in a few writes rather than one per line', async () => {
    const writes: string[] = []
    const out = { write: (text: string) => writes.push(text) } as unknown as NodeJS.WritableStream
    const display = createPlainDisplay(out, createTaskBoard(), createPalette(false))
    for (const e of events()) display.onEvent(e)
    expect(writes.length).toBeLessThanOrEqual(1) // held until the event loop turns (or 64 KB are held)
    await new Promise((r) => setImmediate(r))
    display.stop()
    expect(writes.join('').split('\n').slice(0, -1)).toEqual(expectedLines())
    expect(writes.length).toBeLessThan(10)
  })

  // A board that forgets finished tasks (weir run's) lets the display write a task's first start and
  // plain success without it; every other event hands the start over. The lines must be the ones a
  // board holding every task gives, which never takes that path.
  test('writes the same lines with a board that forgets finished tasks, for every kind of event', async () => {
    const error = { code: 'HANDLER_ERROR', message: 'boom', origin: 'user', recoverable: true } as const
    const r = 'r'
    const mixed: RunEvent[] = [
      { type: 'run:start', runId: r, pipeline: 'p', at: 0, tasks: ['plain', 'retried', 'failed', 'cached', 'mapped', 'skipped', 'cancelled', 'reused'] },
      { type: 'task:start', runId: r, taskId: 'plain', attempt: 1, at: 1 },
      { type: 'task:start', runId: r, taskId: 'retried', attempt: 1, at: 2 },
      { type: 'task:start', runId: r, taskId: 'failed', attempt: 1, at: 2 },
      { type: 'task:start', runId: r, taskId: 'cached', attempt: 1, at: 3 },
      { type: 'task:start', runId: r, taskId: 'mapped', attempt: 1, at: 3 },
      { type: 'task:start', runId: r, taskId: 'cancelled', attempt: 1, at: 4 },
      { type: 'task:succeed', runId: r, taskId: 'plain', attempt: 1, at: 1500 },
      { type: 'task:retry', runId: r, taskId: 'retried', attempt: 1, delayMs: 1000, error, at: 5 },
      { type: 'task:fail', runId: r, taskId: 'failed', attempt: 1, error, at: 6 },
      { type: 'task:succeed', runId: r, taskId: 'cached', attempt: 1, cachedFrom: { runId: 'old', key: 'k' }, at: 7 },
      { type: 'task:map', runId: r, taskId: 'mapped', count: 2, hash: 'h', at: 8 },
      { type: 'item:start', runId: r, taskId: 'mapped', index: 0, attempt: 1, at: 9 },
      { type: 'item:start', runId: r, taskId: 'mapped', index: 1, attempt: 1, at: 9 },
      { type: 'item:succeed', runId: r, taskId: 'mapped', index: 0, attempt: 1, at: 10 },
      { type: 'item:fail', runId: r, taskId: 'mapped', index: 1, attempt: 1, error, at: 11 },
      { type: 'task:fail', runId: r, taskId: 'mapped', attempt: 1, error, at: 12 },
      { type: 'task:start', runId: r, taskId: 'retried', attempt: 2, at: 1005 },
      { type: 'task:succeed', runId: r, taskId: 'retried', attempt: 2, at: 1010 },
      { type: 'task:skip', runId: r, taskId: 'skipped', reason: 'upstream_failed', at: 13 },
      { type: 'task:cancel', runId: r, taskId: 'cancelled', attempt: 1, at: 14 },
      { type: 'task:reuse', runId: r, taskId: 'reused', fromRunId: 'old', at: 15 },
    ]
    const linesWith = async (board: ReturnType<typeof createTaskBoard>): Promise<string> => {
      const writes: string[] = []
      const display = createPlainDisplay({ write: (text: string) => writes.push(text) } as unknown as NodeJS.WritableStream, board, createPalette(false))
      for (const e of mixed) display.onEvent(e)
      display.stop()
      return writes.join('')
    }
    const forgetting = createTaskBoard({ forgetFinished: true })
    const shown = await linesWith(forgetting)
    expect(shown).toBe(await linesWith(createTaskBoard()))
    expect(shown).toContain('✓ plain succeeded in 1.4s\n')
    expect(shown).toContain('✗ failed failed in 4ms: boom\n')
    expect(shown).toContain('= cached cached (from run old)\n')
    // The summary lists a mapped task's failed items from the board: it keeps that task.
    expect([...forgetting.tasks.keys()]).toEqual(['mapped'])
    expect(forgetting.tasks.get('mapped')!.record.items!.map((i) => i.status)).toEqual(['succeeded', 'failed'])
  })

  // A process that exits (or dies of an uncaught error) in the same turn as its last events.
  const script = (ending: string) => `
    // (jiti hands a TypeScript module to import() as its default export)
    const load = async (file) => { const m = await import(${JSON.stringify(resolve(import.meta.dirname, '../../../src/cli'))} + file); return m.default ?? m }
    const { createPlainDisplay } = await load('/display/plain-display.ts')
    const { createTaskBoard } = await load('/display/task-board.ts')
    const { createPalette } = await load('/colors.ts')
    const display = createPlainDisplay(process.stdout, createTaskBoard(), createPalette(false))
    const TASKS = ${TASKS}
    ${events.toString().replace(/: RunEvent\[\]/g, '')}
    for (const e of events()) display.onEvent(e)
    ${ending}
  `
  test.each([
    ['process.exit', 'process.exit(3)', 3],
    ['an uncaught error', "throw new Error('boom')", 1],
  ])('loses nothing when the process ends by %s', (_how, ending, code) => {
    const ran = spawnSync(process.execPath, ['--import', 'jiti/register', '--input-type=module', '-e', script(ending)], { encoding: 'utf8', cwd: resolve(import.meta.dirname, '../../..') })
    expect(ran.status).toBe(code)
    expect(ran.stdout.split('\n').slice(0, -1)).toEqual(expectedLines())
  })
})

test("a retry line reads 'message; retrying in …' without the message's own full stop before the semicolon", () => {
  const writes: string[] = []
  const display = createPlainDisplay({ write: (text: string) => writes.push(text) } as unknown as NodeJS.WritableStream, createTaskBoard(), createPalette(false))
  const error = { code: 'TASK_TIMEOUT', message: 'Task took longer than 1s; make the handler faster.', origin: 'system', recoverable: true } as const
  display.onEvent({ type: 'run:start', runId: 'r', pipeline: 'p', at: 0, tasks: ['t'] })
  display.onEvent({ type: 'task:start', runId: 'r', taskId: 't', attempt: 1, at: 1 })
  display.onEvent({ type: 'task:retry', runId: 'r', taskId: 't', attempt: 1, delayMs: 9, error, at: 2 })
  display.stop()
  expect(writes.join('')).toContain('t attempt 1 failed: Task took longer than 1s; make the handler faster; retrying in 9ms\n')
})
