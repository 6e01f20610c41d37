/**
 * Fire times of a schedule: the one pure function the daemon and `weir schedule --preview` share, so
 * what the preview shows is what the daemon does.
 *
 * croner only matches the cron pattern against a naive calendar (it runs in UTC, where no clock ever
 * jumps); the timezone and DESIGN.md's DST rules are applied here, by `resolveWallTime`. croner's own
 * timezone mode is not used on purpose: it fires "interval" patterns such as `0 * * * *` on both
 * occurrences of a repeated hour, which DESIGN.md forbids.
 */
import { Cron } from 'croner'
import type { Schedule } from '../../spec/model.ts'
import { formatInZone, formatWallTime, resolveWallTime, wallTimeOf, offsetAt } from './zoned-time.ts'
import type { ResolvedWallTime } from './zoned-time.ts'

/** The part of a schedule that decides when it fires. */
export type FireRule = Pick<Schedule, 'cron' | 'timezone'>

/** One fire of a schedule. */
export interface Fire {
  /** The instant the run starts. */
  readonly at: Date
  /** `at` in the schedule's timezone, ISO 8601 with offset (`2027-03-28T03:00:00+02:00`). */
  readonly local: string
  /** The cron's wall-clock time this fire stands for, without offset (`2027-03-28T02:30:00`). */
  readonly wallTime: string
  /** The wall time fell into a spring-forward gap, so the fire moved to the first instant after the gap. */
  readonly moved: boolean
  /** The wall time occurs twice (fall-back); this is its first occurrence and the second one does not fire. */
  readonly merged: boolean
}

const THREE_HOURS_MS = 3 * 3_600_000
const patterns = new Map<string, Cron>()

/** The cron pattern matched against a naive calendar (same parse options as `spec validate`). */
function patternOf(cron: string): Cron {
  const key = cron.trim()
  let pattern = patterns.get(key)
  if (!pattern) {
    pattern = new Cron(key, { timezone: 'UTC', paused: true })
    patterns.set(key, pattern)
  }
  return pattern
}

function toFire(rule: FireRule, wall: number, resolved: ResolvedWallTime): Fire {
  return {
    at: new Date(resolved.at),
    local: formatInZone(rule.timezone, resolved.at),
    wallTime: formatWallTime(wall),
    moved: resolved.kind === 'gap',
    merged: resolved.kind === 'repeated',
  }
}

/**
 * Fires strictly after `from`, in order, without end (until the pattern stops matching). Each instant
 * fires once: wall times that land on the same instant (a gap's moved fires and the fire at the gap's
 * end) are one fire, labelled with the earliest of them.
 */
export function* iterateFires(rule: FireRule, from: Date): Generator<Fire> {
  const pattern = patternOf(rule.cron)
  // Every wall time whose fire is after `from` comes after from's own wall time (see docs/scheduling.md).
  let cursor = wallTimeOf(rule.timezone, from.getTime())
  let last = from.getTime()
  for (;;) {
    const next = pattern.nextRun(new Date(cursor))
    if (!next) return
    const wall = next.getTime()
    const resolved = resolveWallTime(rule.timezone, wall)
    cursor = wall
    // Inside a gap every wall time lands on the same instant: jump to the gap's end at once.
    if (resolved.at <= last || resolved.kind === 'gap') cursor = Math.max(wall, (resolved.stretch?.endWall ?? 0) - 1)
    if (resolved.at <= last) continue
    last = resolved.at
    yield toFire(rule, wall, resolved)
  }
}

/** The next `n` fires strictly after `from`, in order (fewer if the pattern stops matching). */
export function nextFires(rule: FireRule, from: Date, n: number): Fire[] {
  const fires: Fire[] = []
  if (n <= 0) return fires
  for (const fire of iterateFires(rule, from)) {
    fires.push(fire)
    if (fires.length >= n) break
  }
  return fires
}

/** The first fire strictly after `from`, if the pattern ever matches again. */
export function nextFire(rule: FireRule, from: Date): Fire | undefined {
  return nextFires(rule, from, 1)[0]
}

/** The `n` latest fires at or before `through`, newest first. Labels match `iterateFires`. */
export function previousFires(rule: FireRule, through: Date, n: number): Fire[] {
  const pattern = patternOf(rule.cron)
  const end = through.getTime()
  // In the second pass of a repeated hour, later wall times of that hour already fired (first pass).
  const fallBack = Math.max(0, offsetAt(rule.timezone, end - THREE_HOURS_MS) - offsetAt(rule.timezone, end))
  let cursor = wallTimeOf(rule.timezone, end) + fallBack + 1
  const fires: Fire[] = []
  // One wall time past the n-th fire is still read: it may land on the same instant and relabel it.
  for (;;) {
    const previous = pattern.previousRuns(1, new Date(cursor))[0]
    if (!previous) break
    let wall = previous.getTime()
    const resolved = resolveWallTime(rule.timezone, wall)
    cursor = wall
    if (resolved.at > end) continue
    if (resolved.kind === 'gap' && resolved.stretch) {
      // The fire stands for the earliest wall time of the gap that matches, as in iterateFires.
      const earliest = pattern.nextRun(new Date(resolved.stretch.startWall - 1))
      if (earliest) wall = earliest.getTime()
      cursor = resolved.stretch.startWall
    }
    const latest = fires.at(-1)
    if (latest && latest.at.getTime() === resolved.at) {
      if (resolved.kind === 'gap') fires[fires.length - 1] = toFire(rule, wall, resolved)
      continue
    }
    if (fires.length >= n) break
    fires.push(toFire(rule, wall, resolved))
  }
  return fires
}
