/** docs/retries.md: "The functions are pure and exported, so you can check a policy in a test", with its example. */
import { describe, expect, test } from 'vitest'
import { retryDelayMs, shouldRetry, validateSpecFile } from '../../../src/index.ts'
import { NonRetryableError } from '../../../src/index.ts'

describe('shouldRetry and retryDelayMs, from the package', () => {
  test("the page's example: daily_sales's extract (retries: 2, delay 1s, exponential, factor 2)", async () => {
    const { pipeline } = await validateSpecFile('pipelines/daily_sales.yaml')
    const policy = pipeline!.tasks.get('extract')!.retry
    expect(shouldRetry(new Error('timeout talking to the shop API'), 1, policy)).toBe(true)
    expect(shouldRetry(new Error('again'), 3, policy)).toBe(false)
    expect(shouldRetry(new NonRetryableError('bad data'), 1, policy)).toBe(false)
    expect(retryDelayMs(policy, 3, () => 0.999999)).toBeGreaterThan(3990)
    expect(retryDelayMs(policy, 3, () => 0.999999)).toBeLessThanOrEqual(4000)
  })
})
