import { afterEach, describe, expect, test, vi } from 'vitest'
import { retryDelayMs, shouldRetry } from '../../../src/runtime/retry.ts'
import { NonRetryableError, toErrorInfo } from '../../../src/runtime/errors.ts'
import type { RetryPolicy } from '../../../src/spec/model.ts'
import { runPipeline } from '../../../src/runtime/run-pipeline.ts'
import type { RunEvent } from '../../../src/runtime/api.ts'
import { fail, mapIo, ok, pipelineFromYaml, scriptedExecutor, specText, tempDir, until } from './helpers.ts'

const policy = (p: Partial<RetryPolicy> = {}): RetryPolicy => ({
  maxRetries: 3, delayMs: 1000, backoff: 'exponential', factor: 2, maxDelayMs: 300_000, jitter: 'none', retryOnTimeout: true, ...p,
})

describe('shouldRetry', () => {
  test('retries until the retries are used up', () => {
    const error = { code: 'HANDLER_ERROR', recoverable: true }
    expect([1, 2, 3, 4].map((attempt) => shouldRetry(error, attempt, policy()))).toEqual([true, true, true, false])
    expect(shouldRetry(error, 1, policy({ maxRetries: 0 }))).toBe(false)
  })
  test('never retries a NonRetryableError, recognised by its code (any copy of weir)', () => {
    expect(shouldRetry(new NonRetryableError('bad row'), 1, policy())).toBe(false)
    expect(shouldRetry({ code: 'NON_RETRYABLE', message: 'from another copy' }, 1, policy())).toBe(false)
    expect(toErrorInfo(new NonRetryableError('x'), 'user', 'HANDLER_ERROR')).toMatchObject({ code: 'NON_RETRYABLE', recoverable: false })
  })
  test('never retries an error marked not recoverable', () => {
    expect(shouldRetry({ code: 'OUTPUT_INVALID', recoverable: false }, 1, policy())).toBe(false)
  })
  test('retries a timeout unless the policy says retryOnTimeout: false', () => {
    const timeout = { code: 'TASK_TIMEOUT', recoverable: true, timedOut: true }
    expect(shouldRetry(timeout, 1, policy())).toBe(true)
    expect(shouldRetry(timeout, 1, policy({ retryOnTimeout: false }))).toBe(false)
  })
})

describe('retryDelayMs', () => {
  test('exponential backoff doubles from the base delay', () => {
    expect([1, 2, 3, 4].map((a) => retryDelayMs(policy(), a))).toEqual([1000, 2000, 4000, 8000])
    expect([1, 2, 3].map((a) => retryDelayMs(policy({ factor: 3, delayMs: 100 }), a))).toEqual([100, 300, 900])
  })
  test('fixed backoff keeps the delay', () => {
    expect([1, 2, 3].map((a) => retryDelayMs(policy({ backoff: 'fixed', delayMs: 250 }), a))).toEqual([250, 250, 250])
  })
  test('maxDelay caps the delay', () => {
    expect([1, 5, 6, 30].map((a) => retryDelayMs(policy({ maxDelayMs: 20_000 }), a))).toEqual([1000, 16_000, 20_000, 20_000])
  })
  test('full jitter draws uniformly between 0 and the computed delay', () => {
    const jittered = policy({ jitter: 'full' })
    expect(retryDelayMs(jittered, 3, () => 0)).toBe(0)
    expect(retryDelayMs(jittered, 3, () => 0.5)).toBe(2000)
    expect(retryDelayMs(jittered, 3, () => 0.999999)).toBe(4000)
    expect(retryDelayMs(policy({ jitter: 'full', maxDelayMs: 3000 }), 3, () => 0.5)).toBe(1500)
  })
})

describe('retries in a run', () => {
  afterEach(() => {
    vi.useRealTimers()
  })

  test('a task that fails twice then succeeds takes three attempts, waiting the backoff between them', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })
    const pipeline = await pipelineFromYaml(specText('flaky', { a: 'retries: { max: 3, delay: 10s, jitter: full }' }))
    let calls = 0
    const executor = scriptedExecutor({ a: () => (++calls <= 2 ? fail(`try ${calls}`) : ok()) })
    const events: RunEvent[] = []
    const running = runPipeline(pipeline, { executor, ioPlugins: [mapIo()], stateDir: await tempDir(), random: () => 0.5, onEvent: (e) => events.push(e) })
    await until(() => events.some((e) => e.type === 'task:retry'))
    expect(calls).toBe(1)
    await vi.advanceTimersByTimeAsync(4999)
    expect(calls).toBe(1)
    await vi.advanceTimersByTimeAsync(1)
    await until(() => calls === 2)
    await vi.advanceTimersByTimeAsync(10_000)
    const result = await running
    expect(calls).toBe(3)
    expect(events.filter((e) => e.type === 'task:retry').map((e) => (e as { delayMs: number }).delayMs)).toEqual([5000, 10_000])
    expect(result.tasks.a).toMatchObject({ status: 'succeeded', attempts: 3 })
  })

  test('a task that keeps failing is failed after 1 + max attempts', async () => {
    const pipeline = await pipelineFromYaml(specText('bad', { a: 'retries: { max: 2, delay: 0ms }', b: 'needs: [a]' }))
    const executor = scriptedExecutor({ a: () => fail('always') })
    const result = await runPipeline(pipeline, { executor, ioPlugins: [mapIo()], stateDir: await tempDir() })
    expect(result.status).toBe('failed')
    expect(result.tasks.a).toMatchObject({ status: 'failed', attempts: 3, error: { message: 'always' } })
    expect(result.tasks.b).toMatchObject({ status: 'skipped', skipReason: 'upstream_failed', attempts: 0 })
  })

  test('a bug in weir while running a task (here, a throwing `random`) fails that task and says so; the run finishes', async () => {
    const pipeline = await pipelineFromYaml(specText('internal', { a: 'retries: { max: 2, delay: 0ms }', b: 'needs: [a]', c: '' }))
    const executor = scriptedExecutor({ a: () => fail('first try') })
    const random = (): number => {
      throw new Error('no randomness today')
    }
    const result = await runPipeline(pipeline, { executor, ioPlugins: [mapIo()], stateDir: await tempDir(), random })
    expect(result.status).toBe('failed')
    expect(result.tasks.a).toMatchObject({ status: 'failed', error: { code: 'INTERNAL', origin: 'system', message: 'internal error in weir (please report it): no randomness today' } })
    expect(result.tasks.b).toMatchObject({ status: 'skipped', skipReason: 'upstream_failed' })
    expect(result.tasks.c).toMatchObject({ status: 'succeeded' })
  })

  test('an executor that throws at once, or rejects, fails the attempt (EXECUTOR_ERROR, retried as any error) and the run goes on', async () => {
    const pipeline = await pipelineFromYaml(specText('throwing_executor', { a: 'retries: { max: 1, delay: 0ms }', b: '', c: 'needs: [b]' }))
    const calls: string[] = []
    const executor = {
      runAttempt(request: { task: { id: string }; attempt: number }) {
        calls.push(`${request.task.id}#${request.attempt}`)
        if (request.task.id === 'a') throw new Error('executor broke')
        if (request.task.id === 'b') return Promise.reject(new Error('executor rejected'))
        return Promise.resolve(ok())
      },
    }
    const result = await runPipeline(pipeline, { executor: executor as never, ioPlugins: [mapIo()], stateDir: await tempDir() })
    expect(result.tasks.a).toMatchObject({ status: 'failed', attempts: 2, error: { code: 'EXECUTOR_ERROR', origin: 'system', message: 'executor broke' } })
    expect(result.tasks.b).toMatchObject({ status: 'failed', attempts: 1, error: { code: 'EXECUTOR_ERROR', message: 'executor rejected' } })
    expect(result.tasks.c).toMatchObject({ status: 'skipped' })
    expect(calls.sort()).toEqual(['a#1', 'a#2', 'b#1'])
  })

  test('a NonRetryableError fails at once despite retries', async () => {
    const pipeline = await pipelineFromYaml(specText('nonretry', { a: 'retries: 5' }))
    const executor = scriptedExecutor({ a: () => ({ status: 'failed', error: toErrorInfo(new NonRetryableError('no'), 'user', 'HANDLER_ERROR'), values: {} }) })
    const result = await runPipeline(pipeline, { executor, ioPlugins: [mapIo()], stateDir: await tempDir() })
    expect(result.tasks.a).toMatchObject({ status: 'failed', attempts: 1, error: { code: 'NON_RETRYABLE' } })
  })
})

describe('formatIso', () => {
  test('matches Date#toISOString', async () => {
    const { formatIso } = await import('../../../src/runtime/format-iso.ts')
    for (const ms of [0, 1, 999, 1000, 59_999, 60_000, 1_700_000_000_123, 1_700_000_059_999, 1_700_000_060_000, 1_700_000_000_000.5, -1])
      expect(formatIso(ms)).toBe(new Date(ms).toISOString())
  })
})
