import { describe, expect, test } from 'vitest'
import { planCatchup } from '../../../src/runtime/schedule/catchup.ts'
import type { Schedule } from '../../../src/spec/model.ts'

function schedule(extra: Partial<Schedule>): Schedule {
  return { cron: '0 * * * *', timezone: 'Europe/Berlin', overlap: 'skip', catchup: 'all', catchupLimit: 100, params: {}, paused: false, ...extra }
}

describe('planCatchup', () => {
  test('counts a DST-moved fire once: Berlin hourly, down from 00:30 to 05:30 local on 28 March 2027', () => {
    const plan = planCatchup(schedule({}), new Date('2027-03-27T23:30:00Z'), new Date('2027-03-28T03:30:00Z'))
    // 01:00+01:00, 03:00+02:00 (02:00 moved), 04:00+02:00, 05:00+02:00
    expect(plan.run.map((f) => f.local)).toEqual(['2027-03-28T01:00:00+01:00', '2027-03-28T03:00:00+02:00', '2027-03-28T04:00:00+02:00', '2027-03-28T05:00:00+02:00'])
    expect(plan).toMatchObject({ missed: 4, dropped: 0, missedAtLeast: false })
  })

  test('latest runs the newest missed fire and names the newest dropped one', () => {
    const plan = planCatchup(schedule({ catchup: 'latest' }), new Date('2027-03-27T23:30:00Z'), new Date('2027-03-28T03:30:00Z'))
    expect(plan.run.map((f) => f.local)).toEqual(['2027-03-28T05:00:00+02:00'])
    expect(plan.lastDropped?.local).toBe('2027-03-28T04:00:00+02:00')
    expect(plan.dropped).toBe(3)
  })

  test('a fire exactly at `after` is not missed; one exactly at `through` is', () => {
    const plan = planCatchup(schedule({ timezone: 'UTC' }), new Date('2027-01-01T00:00:00Z'), new Date('2027-01-01T02:00:00Z'))
    expect(plan.run.map((f) => f.local)).toEqual(['2027-01-01T01:00:00+00:00', '2027-01-01T02:00:00+00:00'])
  })

  test('a long downtime of a per-second schedule is counted up to a cap and stays bounded', () => {
    const plan = planCatchup(schedule({ cron: '* * * * * *', catchupLimit: 5 }), new Date('2027-01-01T00:00:00Z'), new Date('2027-01-08T00:00:00Z'))
    expect(plan.run).toHaveLength(5)
    expect(plan.run.at(-1)?.local).toBe('2027-01-08T01:00:00+01:00')
    expect(plan).toMatchObject({ missed: 1000, missedAtLeast: true, dropped: 995 })
  })

  test('a paused schedule drops everything', () => {
    expect(planCatchup(schedule({ paused: true }), new Date('2027-01-01T00:00:00Z'), new Date('2027-01-01T05:00:00Z'))).toMatchObject({ run: [], missed: 5, dropped: 5 })
  })
})
