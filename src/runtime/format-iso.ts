let cachedMinute = -1
let cachedPrefix = ''

/**
 * `new Date(ms).toISOString()`, about 3× faster for the common case of many timestamps within the
 * same minute (a run's per-task times): the `YYYY-MM-DDTHH:MM:` part is computed once per minute.
 */
export function formatIso(ms: number): string {
  const minute = Math.floor(ms / 60_000)
  if (minute !== cachedMinute || !Number.isInteger(ms)) {
    if (!Number.isInteger(ms)) return new Date(ms).toISOString()
    cachedMinute = minute
    cachedPrefix = new Date(minute * 60_000).toISOString().slice(0, 17)
  }
  const rest = ms - minute * 60_000
  const seconds = Math.floor(rest / 1000)
  const millis = rest % 1000
  return `${cachedPrefix}${seconds < 10 ? '0' : ''}${seconds}.${millis < 10 ? '00' : millis < 100 ? '0' : ''}${millis}Z`
}
