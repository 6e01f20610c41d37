/**
 * The argument checks of `weir execute`, done before anything runs: a bad argument is a usage error
 * (exit 2: no retry can help) that names its flag, never a system error (exit 4) found halfway.
 */
import { statSync } from 'node:fs'
import type { Stats } from 'node:fs'
import { isAbsolute, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { checkSegment } from '../plugins/io/output-location.ts'
import { CliError } from './errors.ts'
import { quoteValue } from './quote-value.ts'
import { startsWithImpossibleDate } from '../spec/calendar-date.ts'
import { locationProblem } from '../spec/execute-location.ts'

/** A checked `--inputs` or `--output-prefix`: a local path, or a `gs://` URI. */
export type Location = { readonly kind: 'local'; readonly path: string } | { readonly kind: 'gs'; readonly uri: string }

/** `--run-id` becomes a folder name in every IoManager's layout, so it must be one safe path segment. */
export function checkRunId(value: string): string {
  try {
    return checkSegment('--run-id', value)
  } catch (error) {
    throw new CliError(`execute: ${(error as Error).message.replace(`'${value}'`, quoteValue(value))}`)
  }
}

/** Reads a path or URI flag; refuses what `weir execute` cannot read or write (execute-location.ts). */
export function parseLocation(flag: string, value: string, cwd: string): Location {
  // Before anything runs: the store refuses a bad gs:// name too (gcs-uri.ts), but only once the handler has.
  const problem = locationProblem(value, true)
  if (problem) throw new CliError(`execute: --${flag} ${quoteValue(value)} ${problem.problem}${problem.fix === undefined ? '' : `; ${problem.fix}`}.`)
  if (value.startsWith('gs://')) return { kind: 'gs', uri: value }
  if (value.startsWith('file:')) return { kind: 'local', path: fileURLToPath(value) }
  return { kind: 'local', path: isAbsolute(value) ? value : resolve(cwd, value) }
}

/** `--inputs`: the path or URI of an inputs.json file (never the JSON itself). */
export function parseInputsLocation(value: string, cwd: string): Location {
  if (/^\s*[{[]/.test(value)) throw new CliError(`execute: --inputs takes the path or URI of an inputs.json file, not inline JSON; write the JSON to a file and pass its path.`)
  return parseLocation('inputs', value, cwd)
}

/**
 * A folder flag (`--output-prefix`, `--state-dir`) may be missing (it is created) but not a file.
 * Synchronous: nothing else runs yet, and a worker thread's round trip costs more than the stat.
 */
export async function checkFolder(flag: string, shown: string, path: string): Promise<void> {
  let info: Stats
  try {
    info = statSync(path)
  } catch {
    return // missing (it is created), or not ours to judge here: the write says what is wrong
  }
  if (!info.isDirectory()) throw new CliError(`execute: --${flag} ${quoteValue(shown)} is a file; expected a folder (it is created when missing).`)
}

/** `--item-index`: the 0-based index of the one item of a mapped task to run. */
export function parseItemIndex(value: string | undefined): number | undefined {
  if (value === undefined) return undefined
  const index = Number(value)
  // -1 is the one iteration a map runs when its list failed (LIST_FAILED_INDEX): it reports that failure.
  if (!Number.isSafeInteger(index) || index < -1 || value.trim() === '') throw new CliError(`execute: --item-index must be a whole number from 0 (or -1, which reports a failed list), not ${quoteValue(value)}.`)
  return index
}

/** `--max-items`: a whole number from 1, only with `--list-items`. */
export function parseMaxItems(value: string | undefined, listItems: boolean): number | undefined {
  if (value === undefined) return undefined
  if (!listItems) throw new CliError('execute: --max-items goes with --list-items; leave it out.')
  const max = Number(value)
  if (!Number.isSafeInteger(max) || max < 1 || value.trim() === '') throw new CliError(`execute: --max-items must be a whole number from 1, not ${quoteValue(value)}.`)
  return max
}

/** `--attempt`: a whole number from 1. */
export function parseAttempt(value: string | undefined): number | undefined {
  if (value === undefined) return undefined
  const attempt = Number(value)
  if (!Number.isSafeInteger(attempt) || attempt < 1 || value.trim() === '') throw new CliError(`execute: --attempt must be a whole number from 1, not ${quoteValue(value)}.`)
  return attempt
}

/**
 * `--scheduled-at`: an ISO 8601 date-time, or epoch milliseconds (13 digits: Databricks'
 * `{{job.trigger.time.timestamp_ms}}`). Empty means not given: an engine passes an unset placeholder
 * as an empty argument. A placeholder the engine left as written (`{{…}}`) is let through: the
 * attempt takes it as not given, with a warning (runtime/execute/run-trigger.ts).
 */
export function parseScheduledAt(value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined
  if (/^\d{13}$/.test(value) || /^\{\{[^\n]*\}\}$/.test(value)) return value
  if (!/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/i.test(value) || Number.isNaN(Date.parse(value)) || startsWithImpossibleDate(value))
    throw new CliError(`execute: --scheduled-at must be an ISO 8601 date-time such as '2027-03-28T03:00:00+02:00' or 13-digit milliseconds since 1970, not ${quoteValue(value)}.`)
  return value
}

/** `--trigger`: any name the engine gives, but one line of text (it reaches logs and handlers). */
export function parseTrigger(value: string | undefined): string {
  if (value === undefined || value === '') return 'manual'
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(value) || value.length > 200) throw new CliError(`execute: --trigger must be a short name such as 'manual' or 'schedule', without control characters.`)
  return value
}
