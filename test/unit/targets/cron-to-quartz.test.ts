import { describe, expect, test } from 'vitest'
import { cronToQuartz } from '../../../src/plugins/targets/cron-to-quartz.ts'

describe('cron → Quartz', () => {
  test.each([
    ['0 3 * * *', '0 0 3 * * ?'],
    ['*/15 9-17 * * 1-5', '0 */15 9-17 ? * MON,TUE,WED,THU,FRI'],
    ['0 0 1 * *', '0 0 0 1 * ?'],
    ['0 0 * * 0', '0 0 0 ? * SUN'],
    ['0 0 * * 7', '0 0 0 ? * SUN'],
    ['30 2 * * 5-7', '0 30 2 ? * FRI,SAT,SUN'],
    ['0 0 * * mon,WED', '0 0 0 ? * MON,WED'],
    // `sun` closing a range is Sunday after Saturday, as `weir schedule` (croner) reads it.
    ['0 12 * * sat-sun', '0 0 12 ? * SAT,SUN'],
    ['0 12 * * FRI-SUN', '0 0 12 ? * FRI,SAT,SUN'],
    ['0 0 * * */2', '0 0 0 ? * SUN,TUE,THU,SAT'],
    ['0 0 * * 5#2', '0 0 0 ? * 6#2'],
    ['0 0 * jan-mar *', '0 0 0 * 1-3 ?'],
    // Month names become numbers: Quartz drops a step after a name (JAN-MAR/2 would fire in February).
    ['0 3 1 JAN-MAR/2 *', '0 0 3 1 1-3/2 ?'],
    ['0 3 1 jun,Dec *', '0 0 3 1 6,12 ?'],
    ['0 3 1 */4 *', '0 0 3 1 */4 ?'],
    ['@daily', '0 0 0 * * ?'],
    ['@weekly', '0 0 0 ? * SUN'],
    ['@hourly', '0 0 * * * ?'],
  ])('%s → %s', (cron, quartz) => {
    expect(cronToQuartz(cron)).toEqual({ ok: true, quartz })
  })

  test('refuses a seconds field, which only weir schedule runs', () => {
    expect(cronToQuartz('0 0 3 * * *')).toMatchObject({ ok: false, message: expect.stringContaining('seconds field') })
  })

  test('refuses a day-of-month together with a day-of-week (Unix ORs them; Quartz cannot)', () => {
    expect(cronToQuartz('0 0 1 * 1')).toMatchObject({ ok: false, message: expect.stringContaining('restricts both day-of-month and day-of-week') })
  })

  test('refuses a day-of-week it cannot read', () => {
    expect(cronToQuartz('0 0 * * FOO')).toMatchObject({ ok: false })
    expect(cronToQuartz('0 0 * * 5-2')).toMatchObject({ ok: false })
  })
})
