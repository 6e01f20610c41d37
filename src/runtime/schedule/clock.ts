/**
 * The scheduler's only view of time. The daemon uses `systemClock`; tests pass a fake clock that they
 * move by hand, so no test sleeps for real.
 */

/** Reads the time and waits for an instant. */
export interface Clock {
  /** The current instant. */
  now(): Date
  /**
   * Resolves once `now()` has reached `at`, or as soon as `signal` aborts (never rejects). Callers
   * re-read `now()` afterwards: waking is not proof that `at` has passed.
   */
  sleepUntil(at: Date, signal: AbortSignal): Promise<void>
}

/**
 * Longest single timer. Node's timers run on a monotonic clock that stands still while the machine
 * sleeps and ignores wall-clock corrections, so long waits are cut into pieces that re-read the wall clock.
 */
const MAX_TIMER_MS = 60_000

/** The real clock. */
export const systemClock: Clock = {
  now: () => new Date(),
  sleepUntil: async (at, signal) => {
    while (!signal.aborted) {
      const remaining = at.getTime() - Date.now()
      if (remaining <= 0) return
      await sleepFor(Math.min(remaining, MAX_TIMER_MS), signal)
    }
  },
}

function sleepFor(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms)
    signal.addEventListener('abort', done, { once: true })
    function done(): void {
      clearTimeout(timer)
      signal.removeEventListener('abort', done)
      resolve()
    }
  })
}
