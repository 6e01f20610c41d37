/**
 * `run.trigger` and `run.scheduled_at` of a `weir execute` attempt, from `--trigger` and
 * `--scheduled-at` as a generated job fills them in (docs/remote.md):
 *
 * - Argo starts the workflows of a CronWorkflow from their own spec, whose tasks pass
 *   `--trigger schedule --scheduled-at {{workflow.scheduledTime}}` (RFC 3339, in the schedule's timezone).
 * - A Databricks job runs the same task command however the run started, so a scheduled pipeline's
 *   tasks pass `--trigger databricks:{{job.trigger.type}} --scheduled-at {{job.trigger.time.timestamp_ms}}`.
 *   weir reads Databricks' trigger type as its own name: `periodic` is `schedule`, `one_time`
 *   (`onetime`) is `manual`, any other keeps its name; the engine gives a trigger time for every run,
 *   and only a scheduled one keeps it.
 *
 * A time in epoch milliseconds is written as ISO 8601 in the schedule's timezone, as `weir schedule`
 * writes a fire time. A placeholder the engine left as it was (`{{…}}`) counts as not given, with a
 * warning: the task still runs, as it would have without the flag.
 */
import type { AttemptRequest, Logger } from '../../plugins/types.ts'
import type { Pipeline } from '../../spec/model.ts'
import { DATABRICKS_TRIGGER_PREFIX } from '../../spec/run-trigger-protocol.ts'
import { formatInZone } from '../schedule/zoned-time.ts'

const DATABRICKS_TRIGGERS: Readonly<Record<string, string>> = { periodic: 'schedule', one_time: 'manual', onetime: 'manual' }

/** `--trigger` and `--scheduled-at` as given (checked by the CLI: one line; ISO 8601, epoch ms or a placeholder). */
export function runOfArguments(pipeline: Pipeline, trigger: string, scheduledAt: string | undefined, log: Pick<Logger, 'warn'>): AttemptRequest['run'] {
  let name = trigger
  let time = scheduledAt
  if (trigger.startsWith(DATABRICKS_TRIGGER_PREFIX)) {
    const type = trigger.slice(DATABRICKS_TRIGGER_PREFIX.length).toLowerCase()
    if (isPlaceholder(type) || type === '') {
      log.warn(`--trigger '${trigger}' names no Databricks trigger type; run.trigger is 'manual'.`)
      name = 'manual'
    } else name = DATABRICKS_TRIGGERS[type] ?? type
    if (name !== 'schedule') time = undefined
  }
  if (time !== undefined && isPlaceholder(time)) {
    log.warn(`--scheduled-at '${time}' is a placeholder the engine did not fill in; run.scheduled_at is null.`)
    time = undefined
  }
  if (time !== undefined && /^\d+$/.test(time)) time = formatInZone(pipeline.schedule?.timezone ?? 'UTC', Number(time))
  return { trigger: name, ...(time !== undefined && { scheduledAt: time }) }
}

function isPlaceholder(value: string): boolean {
  return value.includes('{{')
}
