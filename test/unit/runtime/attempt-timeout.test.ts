/** The one per-attempt timeout that `weir run` and `weir execute` share (issue 14). */
import { afterEach, describe, expect, test, vi } from 'vitest'
import { armAttemptTimeout, withAttemptTimeout } from '../../../src/runtime/attempt-timeout.ts'
import { createRetrySleeps } from '../../../src/runtime/retry-sleep.ts'
import type { AttemptOutcome } from '../../../src/plugins/types.ts'
import { pipelineFromYaml, specText } from './helpers.ts'

afterEach(() => {
  vi.useRealTimers()
})

const never = new Promise<AttemptOutcome>(() => {})

describe('withAttemptTimeout', () => {
  test('fails an attempt that outlives its timeout on time, aborts its signal, and words the duration as the run display does', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    const p = await pipelineFromYaml(specText('t', { a: 'timeout: 90s' }))
    const controller = new AbortController()
    let outcome: AttemptOutcome | undefined
    void withAttemptTimeout(never, p.tasks.get('a')!, 2, controller).then((o) => (outcome = o))
    await vi.advanceTimersByTimeAsync(89_999)
    expect(outcome).toBeUndefined()
    expect(controller.signal.aborted).toBe(false)
    await vi.advanceTimersByTimeAsync(1)
    expect(controller.signal.aborted).toBe(true)
    expect(controller.signal.reason).toMatchObject({ code: 'TASK_TIMEOUT' })
    expect(outcome).toEqual({
      status: 'failed',
      values: {},
      error: {
        code: 'TASK_TIMEOUT',
        message: "Attempt 2 of task 'a' timed out after 1m 30s; raise tasks.a.timeout or make the handler faster.",
        origin: 'user',
        recoverable: true,
        timedOut: true,
      },
    })
  })

  test('a timeout the retry policy does not retry is not recoverable (weir execute exits 3 for it)', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    const p = await pipelineFromYaml(specText('t', { a: 'timeout: 1s\nretries: { max: 2, onTimeout: false }' }))
    const raced = withAttemptTimeout(never, p.tasks.get('a')!, 1, new AbortController())
    await vi.advanceTimersByTimeAsync(1000)
    expect(await raced).toMatchObject({ status: 'failed', error: { code: 'TASK_TIMEOUT', recoverable: false, timedOut: true } })
  })

  test('an attempt that ends in time keeps its outcome and leaves no timer behind', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    const p = await pipelineFromYaml(specText('t', { a: 'timeout: 1s' }))
    const controller = new AbortController()
    const done: AttemptOutcome = { status: 'succeeded', values: { n: 1 } }
    expect(await withAttemptTimeout(Promise.resolve(done), p.tasks.get('a')!, 1, controller)).toBe(done)
    expect(vi.getTimerCount()).toBe(0)
    expect(controller.signal.aborted).toBe(false)
  })

  test('a task without a timeout runs as is', async () => {
    const p = await pipelineFromYaml(specText('t', { a: '' }))
    const running = Promise.resolve<AttemptOutcome>({ status: 'cancelled' })
    expect(withAttemptTimeout(running, p.tasks.get('a')!, 1, new AbortController())).toBe(running)
  })
})

describe('timeouts and retry delays longer than a Node timer can hold (about 24.8 days)', () => {
  test('a 30-day timeout does not fire at once (Node turns a longer timer into 1 ms)', async () => {
    const p = await pipelineFromYaml(specText('t', { a: 'timeout: 30d' }))
    const controller = new AbortController()
    const timer = armAttemptTimeout(p.tasks.get('a')!, 1, controller, () => {})
    await new Promise((r) => setTimeout(r, 30))
    clearTimeout(timer)
    expect(controller.signal.aborted).toBe(false)
  })

  test('a 30-day timeout fires after 30 days, and clearTimeout on its handle still stops it', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    const p = await pipelineFromYaml(specText('t', { a: 'timeout: 30d' }))
    const controller = new AbortController()
    armAttemptTimeout(p.tasks.get('a')!, 1, controller, () => {})
    await vi.advanceTimersByTimeAsync(30 * 86_400_000 - 1)
    expect(controller.signal.aborted).toBe(false)
    await vi.advanceTimersByTimeAsync(1)
    expect(controller.signal.aborted).toBe(true)

    const other = new AbortController()
    const timer = armAttemptTimeout(p.tasks.get('a')!, 1, other, () => {})
    await vi.advanceTimersByTimeAsync(26 * 86_400_000)
    clearTimeout(timer)
    await vi.advanceTimersByTimeAsync(10 * 86_400_000)
    expect(other.signal.aborted).toBe(false)
  })

  test('a 30-day retry delay waits, and wakeAll still cuts it short', async () => {
    const sleeps = createRetrySleeps()
    let woke: boolean | undefined
    void sleeps.sleep(30 * 86_400_000).then((w) => (woke = w))
    await new Promise((r) => setTimeout(r, 30))
    expect(woke).toBeUndefined()
    sleeps.wakeAll()
    await Promise.resolve()
    expect(woke).toBe(false)
  })
})
