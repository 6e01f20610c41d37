import { describe, expect, test } from 'vitest'
import { nextFires, previousFires } from '../../../src/runtime/schedule/fire-times.ts'
import type { Fire } from '../../../src/runtime/schedule/fire-times.ts'

/** A fire as one readable string: local time, then `moved from <wall time>` or `merged`. */
function label(fire: Fire): string {
  if (fire.moved) return `${fire.local} moved from ${fire.wallTime.slice(11, 16)}`
  return fire.merged ? `${fire.local} merged` : fire.local
}

const HOURLY = '0 * * * *'
const DAILY_0230 = '30 2 * * *'
const EVERY_15 = '*/15 * * * *'

// 2027 transitions. Europe/Berlin: 28 Mar 02:00 CET → 03:00 CEST (01:00Z); 31 Oct 03:00 CEST → 02:00 CET (01:00Z).
// America/New_York: 14 Mar 02:00 EST → 03:00 EDT (07:00Z); 7 Nov 02:00 EDT → 01:00 EST (06:00Z).
const cases: { name: string; cron: string; timezone: string; from: string; want: string[] }[] = [
  // Europe/Berlin, spring forward: 02:00–02:59 does not exist.
  { name: 'Berlin spring, daily at 02:30: moves to 03:00, the first instant after the gap', cron: DAILY_0230, timezone: 'Europe/Berlin', from: '2027-03-27T00:00:00Z',
    want: ['2027-03-27T02:30:00+01:00', '2027-03-28T03:00:00+02:00 moved from 02:30', '2027-03-29T02:30:00+02:00'] },
  { name: 'Berlin spring, hourly: 02:00 moves to 03:00 and fires once with the 03:00 fire', cron: HOURLY, timezone: 'Europe/Berlin', from: '2027-03-27T23:30:00Z',
    want: ['2027-03-28T01:00:00+01:00', '2027-03-28T03:00:00+02:00 moved from 02:00', '2027-03-28T04:00:00+02:00'] },
  { name: 'Berlin spring, every 15 minutes: the four fires of the gap are one fire at 03:00', cron: EVERY_15, timezone: 'Europe/Berlin', from: '2027-03-28T00:40:00Z',
    want: ['2027-03-28T01:45:00+01:00', '2027-03-28T03:00:00+02:00 moved from 02:00', '2027-03-28T03:15:00+02:00'] },
  // Europe/Berlin, fall back: 02:00–02:59 happens twice (CEST, then CET).
  { name: 'Berlin autumn, daily at 02:30: fires once, at the first 02:30 (CEST)', cron: DAILY_0230, timezone: 'Europe/Berlin', from: '2027-10-30T00:00:00Z',
    want: ['2027-10-30T02:30:00+02:00', '2027-10-31T02:30:00+02:00 merged', '2027-11-01T02:30:00+01:00'] },
  { name: 'Berlin autumn, hourly: 02:00 fires once (CEST); the second 02:00 (CET) does not fire', cron: HOURLY, timezone: 'Europe/Berlin', from: '2027-10-30T22:30:00Z',
    want: ['2027-10-31T01:00:00+02:00', '2027-10-31T02:00:00+02:00 merged', '2027-10-31T03:00:00+01:00'] },
  { name: 'Berlin autumn, every 15 minutes: the repeated hour fires once, then 03:00 CET', cron: EVERY_15, timezone: 'Europe/Berlin', from: '2027-10-30T23:50:00Z',
    want: ['2027-10-31T02:00:00+02:00 merged', '2027-10-31T02:15:00+02:00 merged', '2027-10-31T02:30:00+02:00 merged', '2027-10-31T02:45:00+02:00 merged', '2027-10-31T03:00:00+01:00'] },
  // America/New_York, spring forward: 02:00–02:59 does not exist.
  { name: 'New York spring, daily at 02:30: moves to 03:00 EDT', cron: DAILY_0230, timezone: 'America/New_York', from: '2027-03-13T12:00:00Z',
    want: ['2027-03-14T03:00:00-04:00 moved from 02:30', '2027-03-15T02:30:00-04:00'] },
  { name: 'New York spring, hourly: 02:00 moves to 03:00 and fires once with it', cron: HOURLY, timezone: 'America/New_York', from: '2027-03-14T05:30:00Z',
    want: ['2027-03-14T01:00:00-05:00', '2027-03-14T03:00:00-04:00 moved from 02:00', '2027-03-14T04:00:00-04:00'] },
  { name: 'New York spring, every 15 minutes: the gap is one fire at 03:00', cron: EVERY_15, timezone: 'America/New_York', from: '2027-03-14T06:40:00Z',
    want: ['2027-03-14T01:45:00-05:00', '2027-03-14T03:00:00-04:00 moved from 02:00', '2027-03-14T03:15:00-04:00'] },
  // America/New_York, fall back: 01:00–01:59 happens twice (EDT, then EST); 02:30 is not affected.
  { name: 'New York autumn, daily at 02:30: not in the repeated hour, fires normally', cron: DAILY_0230, timezone: 'America/New_York', from: '2027-11-06T00:00:00Z',
    want: ['2027-11-06T02:30:00-04:00', '2027-11-07T02:30:00-05:00', '2027-11-08T02:30:00-05:00'] },
  { name: 'New York autumn, daily at 01:30: fires once, at the first 01:30 (EDT)', cron: '30 1 * * *', timezone: 'America/New_York', from: '2027-11-06T00:00:00Z',
    want: ['2027-11-06T01:30:00-04:00', '2027-11-07T01:30:00-04:00 merged', '2027-11-08T01:30:00-05:00'] },
  { name: 'New York autumn, hourly: 01:00 fires once (EDT), the next fire is 02:00 EST two hours later', cron: HOURLY, timezone: 'America/New_York', from: '2027-11-07T04:30:00Z',
    want: ['2027-11-07T01:00:00-04:00 merged', '2027-11-07T02:00:00-05:00', '2027-11-07T03:00:00-05:00'] },
  { name: 'New York autumn, every 15 minutes: the repeated hour fires once', cron: EVERY_15, timezone: 'America/New_York', from: '2027-11-07T05:40:00Z',
    want: ['2027-11-07T01:45:00-04:00 merged', '2027-11-07T02:00:00-05:00', '2027-11-07T02:15:00-05:00'] },
  // Edges.
  { name: 'every second (6 fields) across the Berlin gap: one fire at 03:00:00, then every second', cron: '* * * * * *', timezone: 'Europe/Berlin', from: '2027-03-28T00:59:58Z',
    want: ['2027-03-28T01:59:59+01:00', '2027-03-28T03:00:00+02:00 moved from 02:00', '2027-03-28T03:00:01+02:00'] },
  { name: 'from inside the second 02:xx of Berlin autumn: the rest of that hour already fired', cron: EVERY_15, timezone: 'Europe/Berlin', from: '2027-10-31T01:20:00Z',
    want: ['2027-10-31T03:00:00+01:00', '2027-10-31T03:15:00+01:00'] },
  { name: 'a 30-minute DST shift (Australia/Lord_Howe): 02:15 moves to 02:30', cron: '15 2 * * *', timezone: 'Australia/Lord_Howe', from: '2027-10-02T00:00:00Z',
    want: ['2027-10-03T02:30:00+11:00 moved from 02:15', '2027-10-04T02:15:00+11:00'] },
  { name: 'a skipped day (Pacific/Apia, 30 Dec 2011): midnight of the missing day fires once with the next midnight', cron: '0 0 * * *', timezone: 'Pacific/Apia', from: '2011-12-29T00:00:00Z',
    want: ['2011-12-29T00:00:00-10:00', '2011-12-31T00:00:00+14:00 moved from 00:00', '2012-01-01T00:00:00+14:00'] },
  { name: 'UTC, the default, with a +00:00 offset', cron: '0 3 * * *', timezone: 'UTC', from: '2027-03-28T03:00:00Z',
    want: ['2027-03-29T03:00:00+00:00', '2027-03-30T03:00:00+00:00'] },
  { name: 'half-hour offsets are written as such', cron: '0 9 * * *', timezone: 'Asia/Kolkata', from: '2027-01-01T00:00:00Z',
    want: ['2027-01-01T09:00:00+05:30'] },
]

describe('nextFires applies DESIGN.md\'s DST rules', () => {
  test.each(cases)('$name', ({ cron, timezone, from, want }) => {
    expect(nextFires({ cron, timezone }, new Date(from), want.length).map(label)).toEqual(want)
  })

  test('fires are strictly after `from`', () => {
    const fires = nextFires({ cron: '0 3 * * *', timezone: 'UTC' }, new Date('2027-01-01T03:00:00Z'), 1)
    expect(fires.map((f) => f.local)).toEqual(['2027-01-02T03:00:00+00:00'])
  })

  test('every fire instant is unique and increasing across both 2027 transitions', () => {
    for (const timezone of ['Europe/Berlin', 'America/New_York'])
      for (const cron of [HOURLY, DAILY_0230, EVERY_15, '*/20 * * * * *'])
        for (const from of ['2027-03-13T00:00:00Z', '2027-10-30T00:00:00Z', '2027-11-06T12:00:00Z']) {
          const times = nextFires({ cron, timezone }, new Date(from), 200).map((f) => f.at.getTime())
          expect(times.every((t, i) => i === 0 || t > (times[i - 1] ?? 0))).toBe(true)
        }
  })

  test('the hourly schedule across Berlin\'s autumn change fires 25 wall-clock hours as 24 fires', () => {
    const fires = nextFires({ cron: HOURLY, timezone: 'Europe/Berlin' }, new Date('2027-10-30T22:00:00Z'), 24)
    expect(fires.at(-1)?.local).toBe('2027-11-01T00:00:00+01:00')
    // Real time between 02:00 CEST and 03:00 CET is two hours.
    const merged = fires.findIndex((f) => f.merged)
    expect((fires[merged + 1]?.at.getTime() ?? 0) - (fires[merged]?.at.getTime() ?? 0)).toBe(2 * 3_600_000)
  })

  test('returns fewer fires when the pattern stops matching', () => {
    expect(nextFires({ cron: '0 0 30 2 *', timezone: 'UTC' }, new Date('2027-01-01T00:00:00Z'), 2)).toEqual([])
  })
})

describe('previousFires agrees with nextFires', () => {
  test.each(cases)('$name', ({ cron, timezone, from }) => {
    const forward = nextFires({ cron, timezone }, new Date(from), 30)
    const last = forward.at(-1)
    if (!last) throw new Error('no fires')
    const backward = previousFires({ cron, timezone }, last.at, 30).reverse()
    expect(backward.map(label)).toEqual(forward.map(label))
  })

  test('labels a fire that absorbed a gap the same way when asked for one fire only', () => {
    const [fire] = previousFires({ cron: EVERY_15, timezone: 'Europe/Berlin' }, new Date('2027-03-28T01:00:00Z'), 1)
    expect(fire && label(fire)).toBe('2027-03-28T03:00:00+02:00 moved from 02:00')
  })

  test('includes a fire exactly at `through`', () => {
    const fires = previousFires({ cron: '0 3 * * *', timezone: 'UTC' }, new Date('2027-01-02T03:00:00Z'), 2)
    expect(fires.map((f) => f.local)).toEqual(['2027-01-02T03:00:00+00:00', '2027-01-01T03:00:00+00:00'])
  })

  test('from the second pass of a repeated hour it sees the first-pass fires of the later wall times', () => {
    // 01:20Z is 02:20 CET (second pass); 02:30 and 02:45 already fired at CEST.
    const fires = previousFires({ cron: EVERY_15, timezone: 'Europe/Berlin' }, new Date('2027-10-31T01:20:00Z'), 3)
    expect(fires.map(label)).toEqual(['2027-10-31T02:45:00+02:00 merged', '2027-10-31T02:30:00+02:00 merged', '2027-10-31T02:15:00+02:00 merged'])
  })
})
