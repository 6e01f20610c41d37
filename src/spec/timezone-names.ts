/**
 * Timezone names as the tz database spells them. Intl (and so `weir schedule`) finds a zone in any
 * case, `europe/berlin` as well as `Europe/Berlin`, but the engines do not: Databricks resolves
 * `timezone_id` with Java's `ZoneId.of` and Argo a CronWorkflow's `timezone` with Go's
 * `time.LoadLocation`, both of which match the exact spelling.
 */

let zones: Set<string> | undefined
/** Intl's canonical zone names (~2 ms to build; leaves out aliases such as 'UTC' and 'US/Eastern'). */
function canonicalZones(): Set<string> {
  zones ??= new Set(Intl.supportedValuesOf('timeZone'))
  return zones
}

/** Whether Intl knows the zone, in any case. */
export function isKnownTimezone(name: string): boolean {
  // The list is cheap; constructing a formatter loads ICU zone data (~15 ms), so it is only the
  // fallback, for aliases and other spellings that the list leaves out.
  return canonicalZones().has(name) || resolveTimezone(name) !== undefined
}

/**
 * The tz database's spelling of a zone name (`utc` → `UTC`, `europe/berlin` → `Europe/Berlin`); a name
 * already spelled right, or one Intl does not know, comes back unchanged.
 */
export function canonicalTimezone(name: string): string {
  if (name === 'UTC' || canonicalZones().has(name)) return name
  const resolved = resolveTimezone(name)
  if (resolved === undefined || resolved === name) return name
  if (resolved.toLowerCase() === name.toLowerCase()) return resolved
  // An alias: Intl resolves it to ICU's zone, which is sometimes the older name ('Europe/Kyiv' →
  // 'Europe/Kiev'), so an alias spelled right is kept. Every part of a tz name between '/' starts
  // with a capital letter; an alias that breaks that is misspelled, and ICU's zone is a name the
  // engines know too.
  return /(^|\/)[a-z]/.test(name) ? resolved : name
}

function resolveTimezone(name: string): string | undefined {
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone
  } catch {
    return undefined
  }
}
