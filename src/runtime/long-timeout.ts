/**
 * `setTimeout` for any delay. Node holds at most 2^31-1 ms (about 24.8 days) in a timer and turns a
 * longer delay into 1 ms, so a `timeout: 30d` would fire at once. A longer delay is split into equal
 * parts that each fit, and the one timer is refreshed between them: the handle stays the same, so
 * `clearTimeout` on it stops the whole wait.
 */
const MAX_TIMER_MS = 2 ** 31 - 1

export function setLongTimeout(callback: () => void, ms: number): ReturnType<typeof setTimeout> {
  let partsLeft = Math.ceil(ms / MAX_TIMER_MS)
  if (partsLeft <= 1) return setTimeout(callback, ms)
  const timer: ReturnType<typeof setTimeout> = setTimeout(() => {
    if (--partsLeft > 0) return void timer.refresh()
    callback()
  }, Math.ceil(ms / partsLeft))
  return timer
}
