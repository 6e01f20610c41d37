/**
 * The daemon's log: one line per event (fire, skip, catch-up, run result, …), the time first.
 * `fire:wait` is not logged: it says nothing a person needs.
 */
import type { SchedulerEvent } from './events.ts'

const SKIP_REASONS = {
  overlap: 'the previous run is still going (overlap: skip)',
  paused: 'the schedule is paused',
  queue_full: 'too many fires are already queued (overlap: queue)',
  state_error: 'the fire could not be recorded in the scheduler state',
} as const

/** The log line(s) of one event, without a trailing newline; undefined for events not logged. */
export function formatLogLine(event: SchedulerEvent): string | undefined {
  const body = describe(event)
  return body === undefined ? undefined : body.split('\n').map((line) => `${event.at} ${line}`).join('\n')
}

function describe(event: SchedulerEvent): string | undefined {
  switch (event.type) {
    case 'pipeline:add':
    case 'pipeline:update':
      return `${event.type === 'pipeline:add' ? 'schedule' : 'reload  '} ${event.pipeline} '${event.cron}' ${event.timezone}${event.paused ? ' (paused)' : ''} from ${event.path}`
    case 'pipeline:remove':
      return `remove   ${event.pipeline}: no longer scheduled`
    case 'pipeline:end':
      return `end      ${event.pipeline}: the cron never fires again`
    case 'spec:invalid': {
      const kept = event.kept ? `; keeping the previous version of '${event.kept}'` : '; not scheduled'
      const lines = event.diagnostics.map((d) => `invalid  ${event.path}:${d.line}:${d.column}: ${d.severity} ${d.code}: ${d.message}`)
      return [`invalid  ${event.path}${kept}`, ...lines].join('\n')
    }
    case 'spec:duplicate':
      return `invalid  ${event.path}: pipeline '${event.pipeline}' is already scheduled from ${event.otherPath}; not scheduled`
    case 'fire:wait':
      return undefined
    case 'fire:start':
      return `fire     ${event.pipeline} ${event.scheduledAt}${event.catchup ? ' (catch-up)' : ''}${dstNote(event.wallTime, event.moved, event.merged)}`
    case 'fire:skip':
      return `skip     ${event.pipeline} ${event.scheduledAt}: ${SKIP_REASONS[event.reason]}`
    case 'fire:queue':
      return `queue    ${event.pipeline} ${event.scheduledAt}${event.catchup ? ' (catch-up)' : ''}: waits for the previous run (${event.queued} queued)`
    case 'catchup:plan': {
      const missed = `${event.missed}${event.missedAtLeast ? '+' : ''} missed fire${event.missed === 1 ? '' : 's'}`
      const running = event.run.length > 0 ? `running ${event.run.length === 1 ? event.run[0] : `${event.run.length} (${event.run[0]} … ${event.run.at(-1)})`}` : 'running none'
      return `catch-up ${event.pipeline}: ${missed} (catchup: ${event.paused ? 'paused' : event.policy}); ${running}, dropping ${event.dropped}${event.missedAtLeast ? '+' : ''}`
    }
    case 'run:finish':
      return `run      ${event.pipeline} ${event.scheduledAt}: ${event.runId} ${event.status}`
    case 'run:error':
      return `run      ${event.pipeline} ${event.scheduledAt}: did not run: ${event.message}`
    case 'run:cancel':
      return `cancel   ${event.pipeline} ${event.scheduledAt}: still running after the grace period`
    case 'queue:drop':
      return `drop     ${event.pipeline}: ${event.dropped} queued fire${event.dropped === 1 ? '' : 's'} will not run`
    case 'scheduler:reload':
      return `reload   ${event.files} spec file${event.files === 1 ? '' : 's'} read; ${event.scheduled} pipeline${event.scheduled === 1 ? '' : 's'} scheduled`
    case 'scheduler:error':
      return `error    ${event.pipeline ? `${event.pipeline}: ` : ''}${event.message}`
    case 'scheduler:stopping':
      return `stopping ${event.running} run${event.running === 1 ? '' : 's'} still going; waiting up to ${Math.round(event.graceMs / 1000)}s before cancelling (signal again to stop at once)`
    case 'scheduler:abort':
      // A run whose tasks stop on their signal at once still records its end (cancelled); only one
      // whose tasks hold on is left without one (interrupted): the log cannot know which yet.
      return `stopping at once${event.running === 0 ? '' : event.running === 1 ? ': cancelled 1 run without waiting for it to end (if its tasks do not stop at once, it shows as interrupted)' : `: cancelled ${event.running} runs without waiting for them to end (those whose tasks do not stop at once show as interrupted)`}`
    case 'scheduler:stop':
      return `stopped${event.cancelled > 0 ? ` (${event.cancelled} cancelled${event.abandoned > 0 ? `, ${event.abandoned} did not stop` : ''})` : ''}`
  }
}

function dstNote(wallTime: string, moved: boolean, merged: boolean): string {
  if (moved) return ` (moved: ${wallTime.slice(11, 16)} does not exist that day)`
  if (merged) return ` (${wallTime.slice(11, 16)} occurs twice that day; this is the first)`
  return ''
}
