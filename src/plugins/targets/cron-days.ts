/**
 * One comma-separated part of a 5-field cron's day-of-week field, read the way `weir schedule` reads
 * it (croner), so that every target can write the same days in its engine's own syntax.
 *
 * croner takes 0–7 (0 and 7 are Sunday) and the names SUN–SAT, and rewrites `-sun` at the end of a
 * range to `-7`: `sat-sun` is Saturday and Sunday, like `6-7`, while `fri-mon` is refused (a range
 * must ascend). Engine parsers differ: Argo's (robfig/cron) takes 0–6 only and reads `sat-sun` as
 * `6-0`, which it refuses.
 */

/** A day-of-week part: every day from `from` to `to` (0–7, 7 is Sunday again) in steps of `step`. */
export interface DayRange {
  /** The part is `*` or `?` (with or without a step): it spans the whole week. */
  readonly wildcard: boolean
  readonly from: number
  readonly to: number
  readonly step: number
}

/** Day names by number (Sunday = 0), as cron and Quartz write them. */
export const DAY_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] as const

/** Reads `*`, `?`, `a`, `a-b`, `a-b/s`, `*\/s` and `a/s` (a to Saturday); undefined for anything else. */
export function readDayRange(part: string): DayRange | undefined {
  const m = /^(\*|\?|[0-7]|[a-z]{3})(?:-([0-7]|[a-z]{3}))?(?:\/(\d+))?$/i.exec(part)
  if (!m) return undefined
  const step = m[3] === undefined ? 1 : Number(m[3])
  const wildcard = m[1] === '*' || m[1] === '?'
  if (step < 1 || (wildcard && m[2] !== undefined)) return undefined
  const from = wildcard ? 0 : dayNumber(m[1]!, false)
  const to = wildcard ? 6 : m[2] !== undefined ? dayNumber(m[2], true) : m[3] !== undefined ? 6 : from
  if (from === undefined || to === undefined || to < from) return undefined
  return { wildcard, from, to, step }
}

/** The days (0–6, Sunday = 0) a range matches, without repeats, in the order they come. */
export function daysOf(range: DayRange): number[] {
  const days: number[] = []
  for (let d = range.from; d <= range.to; d += range.step) if (!days.includes(d % 7)) days.push(d % 7)
  return days
}

/** A day number 0–7 or a name; `SUN` closing a range is 7, as croner reads it. */
export function dayNumber(token: string, endOfRange = false): number | undefined {
  if (/^[0-7]$/.test(token)) return Number(token)
  const i = DAY_NAMES.indexOf(token.toUpperCase() as (typeof DAY_NAMES)[number])
  if (i === -1) return undefined
  return i === 0 && endOfRange ? 7 : i
}
