/**
 * 5-field Unix cron → Quartz (what Databricks `schedule.quartz_cron_expression` takes).
 *
 * Quartz has a seconds field, numbers days of the week 1–7 from Sunday (Unix: 0–7, 0 and 7 are
 * Sunday), and needs `?` in exactly one of day-of-month / day-of-week. Unix cron fires when *either*
 * restricted day field matches; Quartz cannot say that, so such a cron is refused rather than
 * silently changed. Days of the week are written as names (`MON-FRI` → `MON,TUE,…`) so no number
 * can be off by one, and read as `weir schedule` reads them (cron-days.ts: `sat-sun` is Saturday
 * and Sunday). Months are written as numbers, which Quartz steps through as cron does.
 */
import { DAY_NAMES, dayNumber, daysOf, readDayRange } from './cron-days.ts'

export type QuartzResult = { readonly ok: true; readonly quartz: string } | { readonly ok: false; readonly message: string }

const NICKNAMES: Readonly<Record<string, string>> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
}

/** Converts a 5-field cron (or an `@daily`-style nickname) to a Quartz expression. */
export function cronToQuartz(cron: string): QuartzResult {
  const trimmed = cron.trim()
  const fields = (NICKNAMES[trimmed.toLowerCase()] ?? trimmed).split(/\s+/)
  if (fields.length === 6)
    return fail(`Cron '${cron}' has a seconds field, which only 'weir schedule' runs; write 5 fields for a remote target.`)
  if (fields.length !== 5) return fail(`Cron '${cron}' must have 5 fields to run on a remote target.`)
  const [minute, hour, dom, month, dow] = fields as [string, string, string, string, string]
  const anyDom = dom === '*' || dom === '?'
  const anyDow = dow === '*' || dow === '?'
  if (!anyDom && !anyDow)
    return fail(`Cron '${cron}' restricts both day-of-month and day-of-week (Unix cron fires when either matches), which Quartz cannot express; split it into two pipelines or drop one of the two fields.`)
  let quartzDow = '?'
  if (!anyDow) {
    const converted = convertDayOfWeek(dow)
    if (!converted.ok) return fail(`Cron '${cron}': ${converted.message}.`)
    quartzDow = converted.quartz
  }
  return { ok: true, quartz: ['0', minute, hour, anyDow ? dom.replace('?', '*') : '?', monthNumbers(month), quartzDow].join(' ') }
}

const MONTH_NAMES = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'] as const

/**
 * The month field with names as numbers: Quartz ignores a step after a name (`JAN-MAR/2` would
 * fire in January, February and March), while cron and `weir schedule` step through the range
 * (`1-3/2`: January and March).
 */
function monthNumbers(field: string): string {
  return field.replace(/[a-z]{3}/gi, (name) => {
    const i = MONTH_NAMES.indexOf(name.toUpperCase() as (typeof MONTH_NAMES)[number])
    return i === -1 ? name : String(i + 1)
  })
}

/** Day-of-week field → Quartz, as explicit day names (or `n#k` / `nL` with Quartz numbers). */
function convertDayOfWeek(field: string): QuartzResult {
  const out: string[] = []
  for (const part of field.toUpperCase().split(',')) {
    const special = /^([0-7]|[A-Z]{3})(#[1-5]|L)$/.exec(part)
    if (special) {
      const day = dayIndex(special[1]!)
      if (day === undefined) return fail(`'${part}' is not a day of the week`)
      out.push(`${day + 1}${special[2]}`)
      continue
    }
    const range = readDayRange(part)
    const days = range && daysOf(range)
    if (days === undefined) return fail(`'${part}' is not a day-of-week value Quartz can take; use 0-7, SUN-SAT, ranges, lists and steps`)
    for (const d of days) if (!out.includes(DAY_NAMES[d]!)) out.push(DAY_NAMES[d]!)
  }
  return { ok: true, quartz: out.join(',') }
}

/** A Unix day number (0–7, 7 is Sunday again) or a name, as 0–6. */
function dayIndex(token: string): number | undefined {
  const n = dayNumber(token)
  return n === undefined ? undefined : n % 7
}

function fail(message: string): QuartzResult {
  return { ok: false, message }
}
