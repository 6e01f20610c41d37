/** What `--trigger` and `--scheduled-at`, as the engines fill them in, make of `run.trigger` and `run.scheduled_at`. */
import { describe, expect, test } from 'vitest'
import { runOfArguments } from '../../../src/runtime/execute/run-trigger.ts'
import { pipelineFromYaml, specText } from './helpers.ts'

const warnings: string[] = []
const log = { warn: (message: string) => void warnings.push(message) }
const berlin = await pipelineFromYaml(specText('p', { a: '' }, 'schedule: { cron: "0 3 * * *", timezone: Europe/Berlin }\n'))
const unscheduled = await pipelineFromYaml(specText('q', { a: '' }))
const FIRE_MS = Date.parse('2027-03-28T01:00:00Z')

describe('runOfArguments', () => {
  test('weir names and ISO times pass as given (the subprocess executor, Argo)', () => {
    expect(runOfArguments(berlin, 'schedule', '2027-03-28T03:00:00+02:00', log)).toEqual({ trigger: 'schedule', scheduledAt: '2027-03-28T03:00:00+02:00' })
    expect(runOfArguments(berlin, 'manual', undefined, log)).toEqual({ trigger: 'manual' })
  })

  test("Databricks' trigger types: periodic is a schedule with its fire time in the schedule's timezone; any other run has no scheduled time", () => {
    expect(runOfArguments(berlin, 'databricks:periodic', String(FIRE_MS), log)).toEqual({ trigger: 'schedule', scheduledAt: '2027-03-28T03:00:00+02:00' })
    expect(runOfArguments(berlin, 'databricks:PERIODIC', String(FIRE_MS), log)).toEqual({ trigger: 'schedule', scheduledAt: '2027-03-28T03:00:00+02:00' })
    for (const type of ['one_time', 'ONE_TIME', 'onetime']) expect(runOfArguments(berlin, `databricks:${type}`, String(FIRE_MS), log)).toEqual({ trigger: 'manual' })
    expect(runOfArguments(berlin, 'databricks:run_job_task', String(FIRE_MS), log)).toEqual({ trigger: 'run_job_task' })
    // Without a schedule (a time given by hand), milliseconds are written in UTC.
    expect(runOfArguments(unscheduled, 'schedule', String(FIRE_MS), log)).toEqual({ trigger: 'schedule', scheduledAt: '2027-03-28T01:00:00+00:00' })
  })

  test('a placeholder the engine left as written counts as not given, with a warning', () => {
    warnings.length = 0
    expect(runOfArguments(berlin, 'databricks:{{job.trigger.type}}', String(FIRE_MS), log)).toEqual({ trigger: 'manual' })
    expect(runOfArguments(berlin, 'schedule', '{{workflow.scheduledTime}}', log)).toEqual({ trigger: 'schedule' })
    expect(warnings).toHaveLength(2)
  })
})
