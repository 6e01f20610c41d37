import type { JsonSchema } from '../model.ts'
import type { Rule, RuleContext } from './types.ts'
import { entriesOf, isObject } from '../collect.ts'
import { closest, suggestFix } from '../did-you-mean.ts'
import { checkAgainstSchema } from '../json-schema.ts'
import { problemSentence, secretProblemSentence } from '../schema-problem.ts'
import { hasSecret } from '../secret-schema.ts'
import type { SchemaTypes } from '../secret-schema.ts'
import { findNonFinite, nonFiniteMessage } from '../non-finite.ts'
import { findNul, nulMessage } from '../nul-char.ts'
import { toPointer } from '../pointer.ts'
import { canonicalTimezone, isKnownTimezone } from '../timezone-names.ts'

const NICKNAMES = new Set(['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly'])

/** Cron expression, timezone, and params of `schedule:`. */
export const scheduleRule: Rule = async ({ view, report }) => {
  const schedule = view.data.schedule
  if (!isObject(schedule)) return
  if (typeof schedule.timezone === 'string') checkTimezone(schedule.timezone, report)
  if (typeof schedule.cron === 'string') {
    const problem = await checkCron(schedule.cron)
    if (problem) report({ code: 'INVALID_CRON', pointer: '/schedule/cron', message: problem })
  }
  const params = isObject(view.data.params) ? view.data.params : {}
  for (const [name, value] of entriesOf(schedule.params)) {
    const pointer = toPointer(['schedule', 'params', name])
    const schema = Object.hasOwn(params, name) ? params[name] : undefined
    if (schema === undefined) {
      report({ code: 'UNKNOWN_PARAM', pointer, atKey: true, message: `Schedule sets unknown param '${name}'${suggestFix(name, Object.keys(params), 'declared params', "declare it under 'params:'")}` })
      continue
    }
    if (typeof schema !== 'boolean' && !isObject(schema)) continue
    const nonFinite = findNonFinite(value)
    if (nonFinite !== undefined) {
      report({ code: 'INVALID_VALUE', pointer: pointer + nonFinite, message: nonFiniteMessage(`schedule param '${name}'`, nonFinite) })
      continue
    }
    const nul = findNul(value)
    if (nul !== undefined) {
      report({ code: 'INVALID_VALUE', pointer: pointer + nul, message: nulMessage(`schedule param '${name}'`, nul) })
      continue
    }
    const sentence = hasSecret(schema as JsonSchema, (isObject(view.data.types) ? view.data.types : {}) as SchemaTypes) ? secretProblemSentence : problemSentence
    for (const problem of await checkAgainstSchema(value, schema as JsonSchema))
      report({ code: 'INVALID_VALUE', pointer: pointer + problem.pointer, atKey: problem.unknownKey !== undefined,
        message: sentence(`schedule param '${name}'`, problem) })
  }
}

// Imported on first use (specs without a schedule never pay for it), then kept: a dynamic
// import per spec costs a module-loader round trip each time.
let croner: Promise<typeof import('croner')> | undefined
function loadCroner(): Promise<typeof import('croner')> {
  croner ??= import('croner')
  return croner
}

/** An unknown zone is an error; a known one spelled unlike the tz database (`europe/berlin`) a warning. */
function checkTimezone(timezone: string, report: RuleContext['report']): void {
  if (!isKnownTimezone(timezone)) {
    // With no close name, the first dozen zones alphabetically (all Africa/…) would help nobody: a few
    // well-known names show the form instead.
    const close = closest(timezone, Intl.supportedValuesOf('timeZone').concat('UTC'))
    report({ code: 'UNKNOWN_TIMEZONE', pointer: '/schedule/timezone',
      message: `'${timezone}' is not an IANA timezone${close ? `; did you mean '${close}'?` : "; use a tz database name such as 'UTC', 'Europe/Berlin', 'America/New_York' or 'Asia/Tokyo'."}` })
    return
  }
  // weir writes the right spelling into Databricks and Argo definitions anyway; the spec should say it too.
  const canonical = canonicalTimezone(timezone)
  if (canonical !== timezone)
    report({ severity: 'warning', code: 'TIMEZONE_SPELLING', pointer: '/schedule/timezone',
      message: `Timezone '${timezone}' is spelled '${canonical}' in the tz database, which Databricks and Argo match exactly (weir writes '${canonical}' into their definitions); write '${canonical}'.` })
}

/** Explains why a cron expression is unusable, or returns undefined when it is fine. */
export async function checkCron(cron: string): Promise<string | undefined> {
  const trimmed = cron.trim()
  const fields = trimmed.split(/\s+/)
  if (trimmed.startsWith('@') && !NICKNAMES.has(trimmed))
    return `Cron '${cron}' is no nickname cron knows${suggestFix(trimmed, NICKNAMES, 'the nicknames', '')}`
  if (!NICKNAMES.has(trimmed) && fields.length !== 5 && fields.length !== 6)
    return `Cron '${cron}' has ${fields.length} field${fields.length === 1 ? '' : 's'}; write 5 fields ('minute hour day-of-month month day-of-week', e.g. '0 3 * * *') or 6 with seconds first.`
  const { Cron } = await loadCroner()
  try {
    // Whether a pattern can fire does not depend on the timezone; leaving it out keeps ICU zone data unloaded.
    const job = new Cron(trimmed, { paused: true })
    if (!job.nextRun(new Date(Date.UTC(2000, 0, 1)))) return `Cron '${cron}' never fires (no date matches it); check the day-of-month and month fields.`
  } catch (error) {
    const reason = (error instanceof Error ? error.message : String(error)).replace(/^CronPattern: /, '')
    return `Cron '${cron}' is invalid (${reason.replace(/\.$/, '').replace(/^[A-Z]/, (c) => c.toLowerCase())}); see docs/spec.md#schedule for the syntax.`
  }
  return undefined
}
