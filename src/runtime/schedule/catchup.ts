/**
 * What to do with fires missed while no scheduler ran: the `catchup:` policy as a pure function.
 */
import type { Schedule } from '../../spec/model.ts'
import type { Fire } from './fire-times.ts'
import { iterateFires, previousFires } from './fire-times.ts'

/** Missed fires past this count are reported as "at least" (counting them costs time, not correctness). */
const COUNT_CAP = 1000

/** The decision for the fires in (after, through]. */
export interface CatchupPlan {
  /** How many fires were missed (`missedAtLeast`: at least this many). */
  readonly missed: number
  readonly missedAtLeast: boolean
  /** Missed fires to run now, oldest first: none, the latest, or the latest `catchupLimit`. */
  readonly run: readonly Fire[]
  /** Missed fires that will not run. */
  readonly dropped: number
  /** The newest missed fire that will not run, if any (everything up to it counts as handled). */
  readonly lastDropped?: Fire
}

/**
 * Plans the catch-up of `schedule` for the fires after `after` up to and including `through`. `all`
 * runs the most recent `catchupLimit` fires (older ones are the least useful once the limit bites).
 */
export function planCatchup(schedule: Schedule, after: Date, through: Date): CatchupPlan {
  const wanted = schedule.paused ? 0 : schedule.catchup === 'all' ? schedule.catchupLimit : schedule.catchup === 'latest' ? 1 : 0
  // One more than wanted tells whether anything beyond them was missed.
  const recent = previousFires(schedule, through, wanted + 1).filter((fire) => fire.at > after)
  const run = recent.slice(0, wanted).reverse()
  if (recent.length <= wanted) return { missed: run.length, missedAtLeast: false, run, dropped: 0 }
  const { count, capped } = countFires(schedule, after, through, Math.max(COUNT_CAP, wanted + 1))
  const lastDropped = recent[wanted]
  return { missed: count, missedAtLeast: capped, run, dropped: count - run.length, ...(lastDropped && { lastDropped }) }
}

function countFires(schedule: Schedule, after: Date, through: Date, cap: number): { count: number; capped: boolean } {
  let count = 0
  for (const fire of iterateFires(schedule, after)) {
    if (fire.at > through) return { count, capped: false }
    if (++count >= cap) return { count, capped: true }
  }
  return { count, capped: false }
}
