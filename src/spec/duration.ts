const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const
/**
 * A number and its unit, nothing around or between them (docs/spec.md#durations); the schema's
 * pattern (scripts/schema-source.mjs) is the same.
 */
const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/

/** Parses `250ms`, `30s`, `10m`, `2h`, `1d` (or a bare number of seconds) into milliseconds. */
export function parseDuration(value: unknown): number | undefined {
  const ms = exactMilliseconds(value)
  return ms === undefined ? undefined : Math.round(ms)
}

/** A duration's milliseconds as written, before rounding to whole milliseconds. */
function exactMilliseconds(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value * 1000 : undefined
  if (typeof value !== 'string') return undefined
  const match = DURATION.exec(value)
  if (!match) return undefined
  const ms = Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS]
  return Number.isFinite(ms) ? ms : undefined
}

/**
 * Whether a duration is more than nothing but under a millisecond (`0.0001ms`, `0.0005`): timers
 * count whole milliseconds, so such a timeout would round to 0, which means no time limit.
 */
export function isUnderOneMillisecond(value: unknown): boolean {
  const ms = exactMilliseconds(value)
  return ms !== undefined && ms > 0 && ms < 1
}

/**
 * How to write a duration that was almost one, or undefined: spaces around or inside it (`' 10s'`,
 * `'10 s'`), or a number in quotes (`"90"`, which is text, not the bare number of seconds).
 */
export function durationFix(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined
  const compact = value.replace(/\s+/g, '')
  if (compact !== value && DURATION.test(compact)) return `a duration has no spaces; write '${compact}'`
  if (/^\d+(?:\.\d+)?$/.test(compact)) return `a number in quotes is text; write '${compact}s', or ${compact} without quotes (a bare number means seconds)`
  return undefined
}

/**
 * A duration for people: `850ms`, `1.2s`, `45s`, `2m 05s`, `1h 03m`. Units truncate rather than
 * round, so a value never reads as the next unit's "60" (`59.9s` → `59s`, not `60s`).
 */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '?'
  if (ms < 1000) return `${Math.floor(ms)}ms`
  if (ms < 10_000) return `${(Math.floor(ms / 100) / 10).toFixed(1)}s`
  const totalSeconds = Math.floor(ms / 1000)
  if (totalSeconds < 60) return `${totalSeconds}s`
  const totalMinutes = Math.floor(totalSeconds / 60)
  if (totalMinutes < 60) return `${totalMinutes}m ${pad(totalSeconds % 60)}s`
  return `${Math.floor(totalMinutes / 60)}h ${pad(totalMinutes % 60)}m`
}

function pad(n: number): string {
  return String(n).padStart(2, '0')
}
