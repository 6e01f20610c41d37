/**
 * Retry decisions, as pure functions: the scheduler asks `shouldRetry` after a failed attempt and
 * waits `retryDelayMs` before the next one. Same meaning as Databricks `max_retries`,
 * `min_retry_interval_millis` and `retry_on_timeout`, and Argo `retryStrategy.backoff`.
 */
import type { RetryPolicy } from '../spec/model.ts'

/** What `shouldRetry` looks at in an error: its code, whether it can recover, whether it timed out. */
export interface RetryableError {
  readonly code?: unknown
  readonly recoverable?: boolean
  readonly timedOut?: boolean
}

/**
 * Whether to try again after attempt number `attempt` (1-based) failed with `error`.
 * No retry for `NonRetryableError` (code `NON_RETRYABLE`), for errors marked not recoverable, for
 * timeouts when the policy says `retryOnTimeout: false`, or when the retries are used up.
 */
export function shouldRetry(error: unknown, attempt: number, policy: RetryPolicy): boolean {
  if (attempt > policy.maxRetries) return false
  if (typeof error === 'object' && error !== null) {
    const e = error as RetryableError
    if (e.code === 'NON_RETRYABLE' || e.recoverable === false) return false
    if (e.timedOut === true && !policy.retryOnTimeout) return false
  }
  return true
}

/**
 * The wait before the retry that follows failed attempt number `attempt` (1-based).
 * Exponential: `delayMs * factor^(attempt-1)`; fixed: `delayMs`; both capped at `maxDelayMs`.
 * Full jitter draws the wait uniformly from [0, computed] (AWS "full jitter"), so many tasks failing
 * together do not retry together. `random` returns [0, 1), like Math.random; tests inject it.
 */
export function retryDelayMs(policy: RetryPolicy, attempt: number, random: () => number = Math.random): number {
  const exponent = Math.max(0, attempt - 1)
  const base = policy.backoff === 'exponential' ? policy.delayMs * Math.pow(policy.factor, exponent) : policy.delayMs
  const capped = Math.max(0, Math.min(base, policy.maxDelayMs))
  if (policy.jitter === 'none') return Math.round(capped)
  return Math.round(random() * capped)
}
