/**
 * The schedule of a CronWorkflow, in the syntax Argo accepts. Argo checks it with robfig/cron's
 * `ParseStandard` (5 fields or an `@daily`-style descriptor), which is stricter than croner, the
 * parser `weir spec validate` and `weir schedule` use: its day-of-week is 0–6 only and a range must
 * ascend, so `7`, `5-7` and `sat-sun` make Argo refuse the whole CronWorkflow ("cron schedule … is
 * malformed"). Those days are rewritten to the same days (`7` → `0`, `5-7` → `5-6,0`); what robfig
 * cannot say the same way is refused, with the reason.
 */
import { daysOf, readDayRange } from '../cron-days.ts'
import type { DayRange } from '../cron-days.ts'

export type ArgoScheduleResult = { readonly ok: true; readonly schedule: string } | { readonly ok: false; readonly message: string }

const DESCRIPTORS = new Set(['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly'])
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'] as const

/** robfig's bounds of the first four fields; month names count from 1. */
const FIELDS = [
  { what: 'minute', min: 0, max: 59 },
  { what: 'hour', min: 0, max: 23 },
  { what: 'day-of-month', min: 1, max: 31 },
  { what: 'month', min: 1, max: 12, names: MONTHS },
] as const

/** A cron (already valid for `weir schedule`) as an Argo schedule that fires at the same times. */
export function toArgoSchedule(cron: string): ArgoScheduleResult {
  const trimmed = cron.trim()
  if (DESCRIPTORS.has(trimmed)) return { ok: true, schedule: trimmed }
  const fields = trimmed.split(/\s+/)
  if (fields.length === 6) return fail(`Cron '${cron}' has a seconds field, which Argo CronWorkflows (5-field cron) cannot express; write 5 fields.`)
  if (fields.length !== 5) return fail(`Cron '${cron}' must have 5 fields for an Argo CronWorkflow.`)
  const [minute, hour, dom, month, dow] = fields as [string, string, string, string, string]
  if (/[LW]/i.test(dom) || /#|L/i.test(dow)) return fail(`Cron '${cron}' uses 'L', 'W' or '#', which Argo's cron parser does not support; list the days instead.`)
  if (dow.startsWith('+')) return fail(`Cron '${cron}' uses '+' (both day fields must match), which Argo's cron parser does not support; restrict only one of day-of-month and day-of-week.`)
  for (const [i, field] of [minute, hour, dom, month].entries()) {
    const bounds = FIELDS[i]!
    if (!isRobfigField(field, bounds.min, bounds.max, 'names' in bounds ? bounds.names : undefined))
      return fail(`Cron '${cron}' has the ${bounds.what} '${field}', which Argo's cron parser does not accept; write numbers from ${bounds.min} to ${bounds.max}, ascending ranges, lists and steps.`)
  }
  const days = dayOfWeekForArgo(dow)
  if (days === undefined) return fail(`Cron '${cron}' has the day-of-week '${dow}', which cannot be written for Argo's cron parser (0-6 or SUN-SAT, ascending ranges); list the days instead, e.g. '1,3,5'.`)
  // `*/1` is a wildcard to robfig (a day then has to match both day fields) but not to croner (either
  // may match); an explicit range means "either" to both.
  return { ok: true, schedule: [minute, hour, /^[*?]\/1$/.test(dom) ? '1-31' : dom, month, days].join(' ') }
}

/** The day-of-week field with every part robfig refuses rewritten to the same days. */
function dayOfWeekForArgo(field: string): string | undefined {
  const out: string[] = []
  for (const part of field.split(',')) {
    const range = readDayRange(part)
    if (range === undefined) return undefined
    out.push(...partForArgo(part, range))
  }
  return out.join(',')
}

function partForArgo(part: string, range: DayRange): string[] {
  if (range.wildcard) return /\/1$/.test(part) ? ['0-6'] : [part]
  if (range.to <= 6) return [part]
  // The range reaches 7 (Sunday again): the days up to Saturday, then Sunday as 0 if the steps land on 7.
  const { from, step } = range
  const out: string[] = []
  if (from <= 6) {
    const last = from + Math.floor((6 - from) / step) * step
    out.push(last === from ? `${from}` : step === 1 ? `${from}-${last}` : `${from}-${last}/${step}`)
  }
  if (daysOf(range).includes(0) && from !== 0) out.push('0')
  return out
}

/** Whether robfig/cron reads a field: `*`, `?`, numbers or names, ascending ranges, lists and steps. */
function isRobfigField(field: string, min: number, max: number, names?: readonly string[]): boolean {
  const value = (token: string): number | undefined => {
    if (/^\d+$/.test(token)) return Number(token)
    const i = names?.indexOf(token.toLowerCase() as never) ?? -1
    return i === -1 ? undefined : i + min
  }
  return field.split(',').every((part) => {
    const m = /^(?:([*?])|(\w+)(?:-(\w+))?)(?:\/(\d+))?$/.exec(part)
    if (!m || (m[4] !== undefined && Number(m[4]) < 1)) return false
    if (m[1] !== undefined) return true
    const from = value(m[2]!)
    const to = m[3] === undefined ? from : value(m[3])
    return from !== undefined && to !== undefined && min <= from && from <= to && to <= max
  })
}

function fail(message: string): ArgoScheduleResult {
  return { ok: false, message }
}
