let cachedMinute = -1
let cachedPrefix = ''
let lastMs = Number.NaN
let lastIso = ''

/**
 * `new Date(ms).toISOString()`, about 3× faster for the common case of many timestamps within the
 * same minute (a run's per-task times): the `YYYY-MM-DDTHH:MM:` part is computed once per minute.
 */
export function formatIso(ms: number): string {
  // Tasks of a fast run start and finish in the same millisecond by the hundred: one string for them all.
  if (ms === lastMs) return lastIso
  const minute = Math.floor(ms / 60_000)
  if (minute !== cachedMinute || !Number.isInteger(ms)) {
    if (!Number.isInteger(ms)) return new Date(ms).toISOString()
    cachedMinute = minute
    cachedPrefix = new Date(minute * 60_000).toISOString().slice(0, 17)
  }
  const rest = ms - minute * 60_000
  const seconds = Math.floor(rest / 1000)
  const millis = rest % 1000
  lastMs = ms
  lastIso = `${cachedPrefix}${seconds < 10 ? '0' : ''}${seconds}.${millis < 10 ? '00' : millis < 100 ? '0' : ''}${millis}Z`
  return lastIso
}
