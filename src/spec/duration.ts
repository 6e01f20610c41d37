const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const
const DURATION = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)\s*$/

/** Parses `250ms`, `30s`, `10m`, `2h`, `1d` (or a bare number of seconds) into milliseconds. */
export function parseDuration(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? Math.round(value * 1000) : undefined
  if (typeof value !== 'string') return undefined
  const match = DURATION.exec(value)
  if (!match) return undefined
  const ms = Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS]
  return Number.isFinite(ms) ? Math.round(ms) : undefined
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
