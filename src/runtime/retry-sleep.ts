import { setLongTimeout } from './long-timeout.ts'

/** Retry delays that a cancelled run cuts short: every sleeper wakes (with `false`) at once. */
export interface RetrySleeps {
  /** Waits `ms`; resolves true when the time passed, false when `wakeAll` cut it short. */
  sleep(ms: number): Promise<boolean>
  wakeAll(): void
}

export function createRetrySleeps(): RetrySleeps {
  const sleepers = new Set<(woke: boolean) => void>()
  return {
    sleep(ms) {
      return new Promise((resolve) => {
        const wake = (woke: boolean): void => {
          sleepers.delete(wake)
          clearTimeout(timer)
          resolve(woke)
        }
        const timer = setLongTimeout(() => wake(true), ms)
        sleepers.add(wake)
      })
    },
    wakeAll() {
      for (const wake of sleepers) wake(false)
    },
  }
}
