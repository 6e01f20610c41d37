/**
 * The durable commit tells a success (and lets the scheduler go on) only after the journal file has
 * it. Its queue is reused between commits, so these check the order of writes and tells across
 * several commits and for a success queued while another is being told.
 */
import { describe, expect, test } from 'vitest'
import { createDurableCommit } from '../../../src/runtime/run-loop/durable-commit.ts'
import type { RunWriter } from '../../../src/runtime/run-store/open-run.ts'
import type { TaskEvent } from '../../../src/runtime/api.ts'

const success = (taskId: string): TaskEvent => ({ type: 'task:succeed', runId: 'r', taskId, attempt: 1, at: 1 })

/** A writer whose commits are logged; they fail (the journal cannot be written) once `failing` says so. */
function recordingWriter(log: string[], failing = () => false): RunWriter {
  return { commit: () => (log.push('commit'), !failing()) } as unknown as RunWriter
}

const never = (): void => {
  throw new Error('nothing is lost here')
}

describe('createDurableCommit', () => {
  test('successes of one burst share one write and are told after it, in order; the next burst gets its own', async () => {
    const log: string[] = []
    const complete = createDurableCommit(recordingWriter(log), (i, e) => log.push(`told ${i} ${e.taskId}`), never)
    complete(0, success('a'))
    complete(1, success('b'))
    expect(log).toEqual([])
    await Promise.resolve()
    expect(log).toEqual(['commit', 'told 0 a', 'told 1 b'])
    complete(2, success('c'))
    await Promise.resolve()
    expect(log).toEqual(['commit', 'told 0 a', 'told 1 b', 'commit', 'told 2 c'])
  })

  test('a success queued while another is told is written before it is told', async () => {
    const log: string[] = []
    let complete: (i: number, e: TaskEvent) => void = () => {}
    complete = createDurableCommit(
      recordingWriter(log),
      (i, e) => {
        log.push(`told ${i} ${e.taskId}`)
        if (i === 0) complete(1, success('b'))
      },
      never,
    )
    complete(0, success('a'))
    await Promise.resolve()
    await Promise.resolve()
    expect(log).toEqual(['commit', 'told 0 a', 'commit', 'told 1 b'])
  })

  test('successes whose write failed are never told: each goes to onLost, and later ones too', async () => {
    const log: string[] = []
    let full = false
    const complete = createDurableCommit(
      recordingWriter(log, () => full),
      (i, e) => log.push(`told ${i} ${e.taskId}`),
      (i, e) => log.push(`lost ${i} ${e.taskId}`),
    )
    complete(0, success('a'))
    await Promise.resolve()
    full = true
    complete(1, success('b'))
    complete(2, success('c'))
    await Promise.resolve()
    complete(3, success('d'))
    await Promise.resolve()
    expect(log).toEqual(['commit', 'told 0 a', 'commit', 'lost 1 b', 'lost 2 c', 'commit', 'lost 3 d'])
  })
})
