/**
 * The watchdog for handlers that block the loop (src/runtime/blocked-loop-watchdog.ts) watches only
 * what it must: nothing until a command turns it on, never an attempt without a timeout. What it
 * does to a blocked process is in test/e2e/blocked-handler.test.ts (`weir run`: it kills the
 * process; `weir execute`: it stops the handler, and the attempt is recorded as TASK_TIMEOUT).
 */
import { describe, expect, test } from 'vitest'
import type { AttemptRequest } from '../../../src/plugins/types.ts'
import type { Task } from '../../../src/spec/model.ts'

const request = (timeoutMs: number | undefined): AttemptRequest =>
  ({ task: { id: 't', timeoutMs } as Task, attempt: 1, runId: 'r1', signal: new AbortController().signal }) as unknown as AttemptRequest

describe('watchInProcessAttempt', () => {
  test('watches nothing while the watchdog is off (a program calling runPipeline decides what may kill its process)', async () => {
    const { watchExecuteAttempt, watchInProcessAttempt } = await import('../../../src/runtime/blocked-loop-watchdog.ts')
    expect(watchInProcessAttempt(request(1000))).toBeUndefined()
    expect(watchExecuteAttempt(1000, { says: 'says', recordNow: () => 1 })).toBeUndefined()
  })

  test('once on, watches attempts with a timeout, never those without; clearing twice, or after an abort, is harmless', async () => {
    const { enableBlockedLoopWatchdog, watchInProcessAttempt } = await import('../../../src/runtime/blocked-loop-watchdog.ts')
    enableBlockedLoopWatchdog()
    expect(watchInProcessAttempt(request(undefined))).toBeUndefined()
    const controller = new AbortController()
    const clear = watchInProcessAttempt({ ...request(60_000), signal: controller.signal })
    expect(clear).toBeTypeOf('function')
    controller.abort()
    clear!()
    clear!()
  })

  test("weir execute's watch: not interrupted while the loop turns, released at once then, and cleared harmlessly", async () => {
    const { enableBlockedLoopWatchdog, watchExecuteAttempt } = await import('../../../src/runtime/blocked-loop-watchdog.ts')
    enableBlockedLoopWatchdog()
    const watch = watchExecuteAttempt(60_000, { says: 'says', recordNow: () => 1 })!
    expect(watch.interrupted()).toBe(false)
    await watch.released()
    watch.clear()
    watch.clear()
  })
})
