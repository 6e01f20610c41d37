/**
 * JavaScript's Date moves an impossible day into the next month ('2027-02-30' is 2 March) instead
 * of refusing it; weir refuses it wherever it reads a date from text (a table output's date
 * column, `weir schedule --preview --from`).
 */

/** True when `text` does not start with a `YYYY-MM-DD` that names a day of the calendar ('2027-02-30', '2027-13-01'). */
export function startsWithImpossibleDate(text: string): boolean {
  const match = /^([+-]\d{6}|\d{4})-(\d{2})-(\d{2})/.exec(text)
  if (!match) return false
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])]
  return month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)
}

function daysInMonth(year: number, month: number): number {
  // Day 0 of the next month is the last day of this one (UTC: no time zone shifts the day).
  return new Date(Date.UTC(year, month, 0)).getUTCDate()
}
