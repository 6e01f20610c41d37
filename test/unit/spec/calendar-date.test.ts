/** Dates read from text name a day of the calendar; JavaScript's Date would move '2027-02-30' to 2 March. */
import { describe, expect, test } from 'vitest'
import { startsWithImpossibleDate } from '../../../src/spec/calendar-date.ts'

describe('startsWithImpossibleDate', () => {
  test.each(['2027-02-30', '2027-02-29', '2027-04-31T10:00:00Z', '2027-13-01', '2027-00-10', '2027-01-00', '2027-06-32 12:00'])('%s is impossible', (text) => {
    expect(startsWithImpossibleDate(text)).toBe(true)
  })
  test.each(['2028-02-29', '2027-02-28', '2027-12-31T23:59:59+01:00', '2000-02-29', '1900-01-31', 'not a date', '27-02-30'])('%s is not (a real day, or no date at its start)', (text) => {
    expect(startsWithImpossibleDate(text)).toBe(false)
  })
})
