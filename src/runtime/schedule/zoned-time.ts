/**
 * Wall-clock time in an IANA timezone, with DESIGN.md's daylight-saving rules.
 *
 * A "wall time" here is a local date and time with no offset, held as the epoch milliseconds it
 * would have in UTC (a naive calendar: 2027-03-28T02:30 is `Date.UTC(2027, 2, 28, 2, 30)`). Turning
 * a wall time into an instant is where DST matters: a wall time in a spring-forward gap does not
 * exist, one in a fall-back overlap exists twice. Offsets come from the platform's tz database
 * through `Intl`, so no timezone data is bundled.
 */

const DAY_MS = 86_400_000
const formatters = new Map<string, Intl.DateTimeFormat>()

/** How a wall time became an instant. */
export type WallTimeKind = 'exact' | 'gap' | 'repeated'

/** The instant a wall time fires at, and why. */
export interface ResolvedWallTime {
  /** Epoch ms of the instant. */
  readonly at: number
  /**
   * `exact`: the wall time exists once. `gap`: it falls into a spring-forward gap and moved to the
   * first instant after the gap. `repeated`: it exists twice (fall-back) and `at` is its first occurrence.
   */
  readonly kind: WallTimeKind
  /**
   * For `gap` and `repeated`: the wall times where the odd stretch (the gap, or the repeated hour)
   * starts and ends, end exclusive. Every wall time inside resolves the same way, so callers may jump.
   */
  readonly stretch?: { readonly startWall: number; readonly endWall: number }
}

function formatterOf(timezone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timezone)
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: timezone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    })
    formatters.set(timezone, formatter)
  }
  return formatter
}

/** UTC offset of `timezone` at instant `at`, in ms (east of Greenwich is positive). */
export function offsetAt(timezone: string, at: number): number {
  if (timezone === 'UTC' || timezone === 'Etc/UTC') return 0
  const seconds = Math.floor(at / 1000) * 1000
  const fields: Record<string, number> = {}
  for (const part of formatterOf(timezone).formatToParts(new Date(seconds)))
    if (part.type !== 'literal') fields[part.type] = Number(part.value)
  const wall = Date.UTC(fields.year ?? 1970, (fields.month ?? 1) - 1, fields.day ?? 1, fields.hour ?? 0, fields.minute ?? 0, fields.second ?? 0)
  return wall - seconds
}

/** The wall time of instant `at` in `timezone` (naive epoch ms, see the module comment). */
export function wallTimeOf(timezone: string, at: number): number {
  return at + offsetAt(timezone, at)
}

/**
 * The instant a wall time fires at: itself when it exists once; the first instant after the gap when
 * it falls into one; its first occurrence when it exists twice.
 */
export function resolveWallTime(timezone: string, wall: number): ResolvedWallTime {
  // Any instant that shows this wall time lies within ±14 h of it, so a day either side brackets it;
  // real zones change offset at most once in such a window.
  const before = offsetAt(timezone, wall - DAY_MS)
  const after = offsetAt(timezone, wall + DAY_MS)
  if (before === after) return { at: wall - before, kind: 'exact' }
  const valid = [...new Set([before, after])]
    .map((offset) => wall - offset)
    .filter((at) => offsetAt(timezone, at) === wall - at)
    .sort((a, b) => a - b)
  const first = valid[0]
  if (first === undefined) {
    // Spring forward: the clock jumps over `wall`. The transition instant is the first valid one after it.
    const transition = findTransition(timezone, wall - after, wall - before)
    return { at: transition, kind: 'gap', stretch: { startWall: transition + before, endWall: transition + after } }
  }
  const second = valid[1]
  if (second === undefined) return { at: first, kind: 'exact' }
  const transition = findTransition(timezone, first, second)
  return { at: first, kind: 'repeated', stretch: { startWall: transition + after, endWall: transition + before } }
}

/** The first instant in (lo, hi] whose offset differs from the offset at lo (bisection to 1 ms). */
function findTransition(timezone: string, lo: number, hi: number): number {
  const startOffset = offsetAt(timezone, lo)
  let low = lo
  let high = hi
  while (high - low > 1) {
    const mid = Math.floor((low + high) / 2)
    if (offsetAt(timezone, mid) === startOffset) low = mid
    else high = mid
  }
  return high
}

/** `2027-03-28T03:00:00+02:00`: the instant in `timezone`'s local time with its offset (whole seconds). */
export function formatInZone(timezone: string, at: number): string {
  const offset = offsetAt(timezone, at)
  const local = formatWallTime(at + offset)
  const sign = offset < 0 ? '-' : '+'
  const minutes = Math.round(Math.abs(offset) / 60_000)
  return `${local}${sign}${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}`
}

/** `2027-03-28T02:30:00`: a wall time without offset. */
export function formatWallTime(wall: number): string {
  return new Date(Math.floor(wall / 1000) * 1000).toISOString().slice(0, 19)
}

function pad(n: number): string {
  return String(n).padStart(2, '0')
}
