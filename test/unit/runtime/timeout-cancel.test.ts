import { afterEach, describe, expect, test, vi } from 'vitest'
import { runPipeline } from '../../../src/runtime/run-pipeline.ts'
import type { RunEvent } from '../../../src/runtime/api.ts'
import type { AttemptOutcome } from '../../../src/plugins/types.ts'
import { mapIo, pipelineFromYaml, scriptedExecutor, specText, tempDir, until } from './helpers.ts'

afterEach(() => {
  vi.useRealTimers()
})

/** A handler that ignores its signal and never returns. */
const stuck = (signals: AbortSignal[]) => (request: { signal: AbortSignal }) => {
  signals.push(request.signal)
  return new Promise<AttemptOutcome>(() => {})
}

describe('per-attempt timeouts', () => {
  test('a handler that ignores its signal is failed on time, its signal aborted, and retried', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })
    const pipeline = await pipelineFromYaml(specText('slow', { a: 'timeout: 30s\nretries: { max: 1, delay: 1s, jitter: none }', b: 'needs: [a]\ntrigger: all_done' }))
    const signals: AbortSignal[] = []
    const executor = scriptedExecutor({ a: stuck(signals) })
    const events: RunEvent[] = []
    const running = runPipeline(pipeline, { executor, ioPlugins: [mapIo()], stateDir: await tempDir(), onEvent: (e) => events.push(e) })
    await until(() => signals.length === 1)
    await vi.advanceTimersByTimeAsync(29_999)
    expect(signals[0]!.aborted).toBe(false)
    await vi.advanceTimersByTimeAsync(1)
    expect(signals[0]!.aborted).toBe(true)
    await until(() => events.some((e) => e.type === 'task:retry'))
    await vi.advanceTimersByTimeAsync(1000)
    await until(() => signals.length === 2)
    await vi.advanceTimersByTimeAsync(30_000)
    const result = await running
    expect(result.tasks.a).toMatchObject({ status: 'failed', attempts: 2, error: { code: 'TASK_TIMEOUT', timedOut: true } })
    expect(result.tasks.a!.error!.message).toMatch(/timed out after 30s; raise tasks.a.timeout/)
    expect(result.tasks.b).toMatchObject({ status: 'succeeded' })
  })

  test('retryOnTimeout: false fails at the first timeout', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })
    const pipeline = await pipelineFromYaml(specText('slow2', { a: 'timeout: 1s\nretries: { max: 3, onTimeout: false }' }))
    const signals: AbortSignal[] = []
    const running = runPipeline(pipeline, { executor: scriptedExecutor({ a: stuck(signals) }), ioPlugins: [mapIo()], stateDir: await tempDir() })
    await until(() => signals.length === 1)
    await vi.advanceTimersByTimeAsync(1000)
    expect((await running).tasks.a).toMatchObject({ status: 'failed', attempts: 1 })
  })
})

describe('cancellation', () => {
  test('stops starting tasks, aborts running ones, and records them cancelled after the grace period', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })
    const pipeline = await pipelineFromYaml(specText('cancel', { a: '', b: '', c: 'needs: [a, b]', d: 'needs: [c]\ntrigger: all_done' }))
    const signals: AbortSignal[] = []
    const controller = new AbortController()
    // a honours its signal; b ignores it.
    const executor = scriptedExecutor({
      a: (r) => new Promise((resolve) => r.signal.addEventListener('abort', () => resolve({ status: 'failed', error: { code: 'ABORTED', message: 'aborted', origin: 'user', recoverable: true }, values: {} }))),
      b: stuck(signals),
    })
    const running = runPipeline(pipeline, { executor, ioPlugins: [mapIo()], stateDir: await tempDir(), signal: controller.signal, cancelGraceMs: 2000 })
    await until(() => signals.length === 1 && executor.calls.length === 2)
    controller.abort()
    expect(signals[0]!.aborted).toBe(true)
    await vi.advanceTimersByTimeAsync(2000)
    const result = await running
    expect(result.status).toBe('cancelled')
    expect(Object.fromEntries(Object.entries(result.tasks).map(([id, t]) => [id, t.status]))).toEqual({ a: 'cancelled', b: 'cancelled', c: 'cancelled', d: 'cancelled' })
    expect(executor.calls.map((c) => c.task.id)).toEqual(['a', 'b'])
  })

  test('a retry wait ends at once when the run is cancelled', async () => {
    const pipeline = await pipelineFromYaml(specText('cancel2', { a: 'retries: { max: 3, delay: 1h }' }))
    const controller = new AbortController()
    const events: RunEvent[] = []
    const executor = scriptedExecutor({ a: () => ({ status: 'failed', error: { code: 'X', message: 'x', origin: 'user', recoverable: true }, values: {} }) })
    const running = runPipeline(pipeline, { executor, ioPlugins: [mapIo()], stateDir: await tempDir(), signal: controller.signal, onEvent: (e) => events.push(e) })
    await until(() => events.some((e) => e.type === 'task:retry'))
    controller.abort()
    expect((await running).tasks.a).toMatchObject({ status: 'cancelled', attempts: 1 })
  })

  test('--fail-fast skips what has not started after the first failure', async () => {
    const pipeline = await pipelineFromYaml(specText('ff', { a: '', b: '', c: 'needs: [b]' }))
    const executor = scriptedExecutor({ a: () => ({ status: 'failed', error: { code: 'X', message: 'x', origin: 'user', recoverable: true }, values: {} }) })
    const result = await runPipeline(pipeline, { executor, ioPlugins: [mapIo()], stateDir: await tempDir(), failFast: true, concurrency: 1 })
    expect(result.tasks).toMatchObject({ a: { status: 'failed' }, b: { status: 'skipped', skipReason: 'fail_fast' }, c: { status: 'skipped', skipReason: 'fail_fast' } })
    const keepGoing = await runPipeline(pipeline, { executor, ioPlugins: [mapIo()], stateDir: await tempDir(), concurrency: 1 })
    expect(keepGoing.tasks).toMatchObject({ a: { status: 'failed' }, b: { status: 'succeeded' }, c: { status: 'succeeded' } })
    expect(keepGoing.status).toBe('failed')
  })

  test('concurrency bounds the tasks running at once', async () => {
    const tasks = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`t${i}`, '']))
    const pipeline = await pipelineFromYaml(specText('wide', tasks))
    let now = 0
    let peak = 0
    const executor = scriptedExecutor(
      Object.fromEntries(Object.keys(tasks).map((id) => [id, async () => {
        peak = Math.max(peak, ++now)
        await new Promise((r) => setImmediate(r))
        now--
        return { status: 'succeeded', values: {} } as const
      }])),
    )
    await runPipeline(pipeline, { executor, ioPlugins: [mapIo()], stateDir: await tempDir(), concurrency: 3 })
    expect(peak).toBe(3)
  })
})

describe('fairness', () => {
  test('a burst of instantly finishing tasks still lets the event loop turn (journal writes, Ctrl-C)', async () => {
    const tasks = Object.fromEntries(Array.from({ length: 2000 }, (_, i) => [`t${i}`, '']))
    const pipeline = await pipelineFromYaml(specText('burst', tasks))
    let turned = false
    let startsAfterTurn = 0
    const executor = scriptedExecutor()
    const original = executor.runAttempt.bind(executor)
    executor.runAttempt = (r) => {
      if (turned) startsAfterTurn++
      return original(r)
    }
    const controller = new AbortController()
    const running = runPipeline(pipeline, { executor, ioPlugins: [mapIo()], stateDir: await tempDir(), signal: controller.signal, concurrency: 8 })
    await until(() => executor.calls.length > 0)
    setImmediate(() => {
      turned = true
      controller.abort()
    })
    const result = await running
    expect(result.status).toBe('cancelled')
    expect(executor.calls.length).toBeLessThan(2000)
    expect(startsAfterTurn).toBeLessThanOrEqual(8)
  })
})
