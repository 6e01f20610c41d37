import { resolve } from 'node:path'
import { parseCommandArgs } from '../args.ts'
import { formatHelp, printHelp } from '../help/format-help.ts'
import { SCHEDULE_HELP } from '../help/schedule.ts'
import { CliError, EXIT } from '../errors.ts'
import { findSpecFiles } from '../find-specs.ts'
import { fileReport, printReports } from '../report-diagnostics.ts'
import type { FileReport } from '../format-diagnostics.ts'
import { parseDuration } from '../../spec/duration.ts'
import { hasErrors } from '../../spec/diagnostics.ts'
import { validateSpecFile } from '../../spec/validate.ts'
import type { Pipeline } from '../../spec/model.ts'
import type { Daemon as ScheduleDaemon } from '../../runtime/schedule/daemon.ts'
import { startsWithImpossibleDate } from '../../spec/calendar-date.ts'
import { enableBlockedLoopWatchdog } from '../../runtime/blocked-loop-watchdog.ts'
import { reportUnhandledRejections } from '../report-unhandled-rejections.ts'
import { interceptHandlerExits } from '../intercept-handler-exits.ts'
import { exitAsWeir } from '../../runtime/own-exit.ts'
import { makeStateDirSync } from '../../plugins/io/make-dirs.ts'
import { builtinCatalog } from '../../plugins/catalog.ts'

const MAX_PREVIEW = 10_000

/** `weir schedule`: the cron daemon, or `--preview`. */
export async function schedule(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs('schedule', args, {
    preview: { type: 'string' },
    from: { type: 'string' },
    json: { type: 'boolean' },
    'state-dir': { type: 'string' },
    grace: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  })
  if (values.help) return printHelp(SCHEDULE_HELP)
  if (positionals.length === 0) {
    process.stderr.write(formatHelp(SCHEDULE_HELP))
    return EXIT.usage
  }
  if (values.preview !== undefined) return preview(positionals, parseCount(values.preview), parseFrom(values.from), values.json === true)
  if (values.from !== undefined) throw new CliError('schedule: --from only applies to --preview; add --preview N.')
  const graceMs = values.grace === undefined ? 30_000 : parseDuration(values.grace)
  if (graceMs === undefined) throw new CliError(`schedule: --grace must be a duration such as '30s' or '2m', not '${values.grace}'.`)
  return daemon(positionals, { stateDir: resolve(values['state-dir'] ?? '.weir'), graceMs, json: values.json === true })
}

function parseCount(text: string): number {
  const count = Number(text)
  if (!Number.isInteger(count) || count < 1 || count > MAX_PREVIEW) throw new CliError(`schedule: --preview must be a whole number from 1 to ${MAX_PREVIEW}, not '${text}'.`)
  return count
}

function parseFrom(text: string | undefined): Date {
  if (text === undefined) return new Date()
  // A date or date-time without an offset is read as UTC, not as this machine's local time.
  const withZone = /(?:Z|[+-]\d{2}:?\d{2})$/i.test(text) || !/\d{2}:\d{2}/.test(text) ? text : `${text}Z`
  const date = new Date(/^\d{4}-\d{2}-\d{2}$/.test(withZone) ? `${withZone}T00:00:00Z` : withZone)
  if (!/^\d{4}-\d{2}-\d{2}/.test(text) || Number.isNaN(date.getTime()) || startsWithImpossibleDate(text))
    throw new CliError(`schedule: --from must be an ISO 8601 date or date-time such as '2027-03-28T00:00:00+01:00', not '${text}'.`)
  return date
}

async function preview(paths: string[], count: number, from: Date, json: boolean): Promise<number> {
  const files = await findSpecFiles(paths, 'schedule')
  const catalog = builtinCatalog()
  const pipelines: Pipeline[] = []
  const invalid: FileReport[] = []
  for (const path of files) {
    const result = await validateSpecFile(path, { plugins: catalog })
    if (result.pipeline && !hasErrors(result.diagnostics)) pipelines.push(result.pipeline)
    else invalid.push(await fileReport(path, result.diagnostics))
  }
  const { previewSchedules, formatPreviewJson, formatPreviewText } = await import('../../runtime/schedule/preview.ts')
  const previews = await previewSchedules(pipelines, from, count)
  process.stdout.write(json ? formatPreviewJson(previews) : formatPreviewText(previews))
  printReports(invalid)
  if (previews.length === 0 && invalid.length === 0) throw new CliError(`schedule: no spec in ${paths.map((p) => `'${p}'`).join(', ')} has a 'schedule:' block.`)
  return invalid.length > 0 ? EXIT.usage : EXIT.ok
}

async function daemon(paths: string[], options: { stateDir: string; graceMs: number; json: boolean }): Promise<number> {
  const [{ startScheduleDaemon }, { systemClock }, { formatLogLine }, { runPipeline }] = await Promise.all([
    import('../../runtime/schedule/daemon.ts'),
    import('../../runtime/schedule/clock.ts'),
    import('../../runtime/schedule/format-log.ts'),
    import('../../run-with-builtins.ts'),
  ])
  const log = (line: string | undefined): void => {
    if (line !== undefined) process.stdout.write(`${line}\n`)
  }
  // A promise a handler left rejected must not stop every schedule (report-unhandled-rejections.ts).
  reportUnhandledRejections({ keepRunning: true })
  // A handler that blocks the loop past its timeout would otherwise stop every schedule for good.
  enableBlockedLoopWatchdog()
  // So would a handler's process.exit (intercept-handler-exits.ts).
  interceptHandlerExits()
  // Made by the daemon's lock first: readable by this user only, as `weir run` makes it.
  makeStateDirSync(options.stateDir)
  let daemon
  try {
    daemon = await startScheduleDaemon({
      paths,
      findSpecFiles: (p) => findSpecFiles(p, 'schedule'),
      plugins: builtinCatalog(),
      stateDir: options.stateDir,
      clock: systemClock,
      runPipeline: (pipeline, runOptions) => runPipeline(pipeline, { ...runOptions, stateDir: options.stateDir }),
      graceMs: options.graceMs,
      onEvent: (event) => log(options.json ? (event.type === 'fire:wait' ? undefined : JSON.stringify(event)) : formatLogLine(event)),
    })
  } catch (error) {
    const code = (error as { code?: unknown }).code
    if (code === 'SCHEDULER_LOCKED' || code === 'SCHEDULE_NOTHING' || code === 'SCHEDULE_STATE_INVALID') throw new CliError(`schedule: ${(error as Error).message}`)
    throw error
  }
  await untilStopped(daemon)
  // A handler abandoned after the grace period (it ignored its signal) may still hold the event
  // loop with a timer or a socket; the daemon has stopped and released its lock, so leave.
  setTimeout(() => exitAsWeir(typeof process.exitCode === 'number' ? process.exitCode : 0), 500).unref()
  return EXIT.ok
}

/**
 * SIGHUP reloads. The first SIGTERM/SIGINT stops gracefully (running runs get the grace period, then
 * their signal); the promise resolves once the daemon has stopped. A second one stops at once, as a
 * second Ctrl-C does to `weir run`: the runs' tasks are cancelled through ctx.signal (so what they
 * started with it stops too), the lock is released, and the process exits 130/143 without waiting.
 * The listeners stay until the process exits: without one, a signal would end it with no cleanup.
 */
function untilStopped(daemon: ScheduleDaemon): Promise<void> {
  return new Promise<void>((done) => {
    let stopping = false
    const onSignal = (signal: NodeJS.Signals): void => {
      if (stopping) return void daemon.stopNow().finally(() => exitAsWeir(signal === 'SIGTERM' ? 143 : 130))
      stopping = true
      daemon.stop().then(done, done)
    }
    process.on('SIGTERM', onSignal)
    process.on('SIGINT', onSignal)
    process.on('SIGHUP', () => void daemon.reload())
  })
}
