/** A duration for people: `850ms`, `1.2s`, `2m 05s`, `1h 03m`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '?'
  if (ms < 1000) return `${Math.round(ms)}ms`
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
