/**
 * A strict reader of Argo's cron grammar for the tests, ported line by line from robfig/cron v3
 * `ParseStandard` (parser.go: getField, getRange, parseIntOrName; spec.go: dayMatches), so a test
 * can say "Argo would accept this schedule, and fire on these days" without a Go toolchain.
 */

const STAR = 1n << 63n

interface Bounds { readonly min: number; readonly max: number; readonly names?: Readonly<Record<string, number>> }

const DOW_NAMES = { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 }
const MONTH_NAMES = { jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12 }
const BOUNDS: readonly Bounds[] = [
  { min: 0, max: 59 },
  { min: 0, max: 23 },
  { min: 1, max: 31 },
  { min: 1, max: 12, names: MONTH_NAMES },
  { min: 0, max: 6, names: DOW_NAMES },
]
const DESCRIPTORS: Readonly<Record<string, string>> = {
  '@yearly': '0 0 1 1 *', '@annually': '0 0 1 1 *', '@monthly': '0 0 1 * *', '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *', '@midnight': '0 0 * * *', '@hourly': '0 * * * *',
}

/** robfig's parsed schedule: one bit per allowed value, plus STAR for a `*` / `?` field. */
export interface RobfigSchedule { readonly minute: bigint; readonly hour: bigint; readonly dom: bigint; readonly month: bigint; readonly dow: bigint }

/** Parses like `cron.ParseStandard`; throws with robfig's message where robfig would fail. */
export function parseRobfig(spec: string): RobfigSchedule {
  if (spec.length === 0) throw new Error('empty spec string')
  if (spec.startsWith('@')) {
    const expanded = DESCRIPTORS[spec]
    if (expanded === undefined) throw new Error(`unrecognized descriptor: ${spec}`)
    spec = expanded
  }
  const fields = spec.split(/\s+/).filter((f) => f !== '')
  if (fields.length !== 5) throw new Error(`expected exactly 5 fields, found ${fields.length}: ${spec}`)
  const [minute, hour, dom, month, dow] = fields.map((f, i) => getField(f, BOUNDS[i]!)) as [bigint, bigint, bigint, bigint, bigint]
  return { minute, hour, dom, month, dow }
}

function getField(field: string, r: Bounds): bigint {
  let bits = 0n
  for (const expr of field.split(',')) bits |= getRange(expr, r)
  return bits
}

function getRange(expr: string, r: Bounds): bigint {
  const rangeAndStep = expr.split('/')
  const lowAndHigh = rangeAndStep[0]!.split('-')
  const singleDigit = lowAndHigh.length === 1
  let start: number
  let end: number
  let extra = 0n
  if (lowAndHigh[0] === '*' || lowAndHigh[0] === '?') {
    start = r.min
    end = r.max
    extra = STAR
  } else {
    start = parseIntOrName(lowAndHigh[0]!, r.names)
    if (lowAndHigh.length === 1) end = start
    else if (lowAndHigh.length === 2) end = parseIntOrName(lowAndHigh[1]!, r.names)
    else throw new Error(`too many hyphens: ${expr}`)
  }
  let step = 1
  if (rangeAndStep.length === 2) {
    step = mustParseInt(rangeAndStep[1]!)
    if (singleDigit) end = r.max // "N/step" means "N-max/step"
    if (step > 1) extra = 0n
  } else if (rangeAndStep.length > 2) throw new Error(`too many slashes: ${expr}`)
  if (start < r.min) throw new Error(`beginning of range (${start}) below minimum (${r.min}): ${expr}`)
  if (end > r.max) throw new Error(`end of range (${end}) above maximum (${r.max}): ${expr}`)
  if (start > end) throw new Error(`beginning of range (${start}) beyond end of range (${end}): ${expr}`)
  if (step === 0) throw new Error(`step of range should be a positive number: ${expr}`)
  let bits = 0n
  for (let i = start; i <= end; i += step) bits |= 1n << BigInt(i)
  return bits | extra
}

function parseIntOrName(expr: string, names?: Readonly<Record<string, number>>): number {
  const named = names?.[expr.toLowerCase()]
  return named ?? mustParseInt(expr)
}

function mustParseInt(expr: string): number {
  if (!/^\d+$/.test(expr)) throw new Error(`failed to parse int from ${expr}`)
  return Number(expr)
}

const has = (bits: bigint, n: number): boolean => (bits & (1n << BigInt(n))) !== 0n

/** spec.go dayMatches: both day fields must match if either is a wildcard, else either may. */
function dayMatches(s: RobfigSchedule, date: Date): boolean {
  const domMatch = has(s.dom, date.getUTCDate())
  const dowMatch = has(s.dow, date.getUTCDay())
  return (s.dom & STAR) !== 0n || (s.dow & STAR) !== 0n ? domMatch && dowMatch : domMatch || dowMatch
}

/** The next `n` fire times after `from`, in UTC (robfig's matching, without its DST handling). */
export function robfigFires(s: RobfigSchedule, from: Date, n: number): Date[] {
  const fires: Date[] = []
  const day = new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate()))
  for (let d = 0; fires.length < n && d < 366 * 8; d++, day.setUTCDate(day.getUTCDate() + 1)) {
    if (!has(s.month, day.getUTCMonth() + 1) || !dayMatches(s, day)) continue
    for (let h = 0; h < 24; h++) for (let m = 0; m < 60; m++) {
      if (!has(s.hour, h) || !has(s.minute, m)) continue
      const at = new Date(day.getTime() + h * 3_600_000 + m * 60_000)
      if (at > from && fires.length < n) fires.push(at)
    }
  }
  return fires
}
