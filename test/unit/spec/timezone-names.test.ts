/**
 * Timezone spelling: Intl finds `europe/berlin`, Java's ZoneId.of (Databricks) and Go's LoadLocation
 * (Argo) do not, so the model, and every definition generated from it, carries the tz database's
 * spelling; `weir schedule` fires the same either way.
 */
import { describe, expect, test } from 'vitest'
import { parse } from 'yaml'
import { canonicalTimezone, isKnownTimezone } from '../../../src/spec/timezone-names.ts'
import { nextFires } from '../../../src/runtime/schedule/fire-times.ts'
import { argoTarget } from '../../../src/plugins/targets/argo/index.ts'
import { databricksTarget } from '../../../src/plugins/targets/databricks/index.ts'
import { pipelineFromYaml, specText } from '../runtime/helpers.ts'

const REFERENCE_TIME = new Date(Date.UTC(2027, 2, 27))

describe('canonicalTimezone', () => {
  test.each([
    ['utc', 'UTC'],
    ['UTC', 'UTC'],
    ['europe/berlin', 'Europe/Berlin'],
    ['EUROPE/BERLIN', 'Europe/Berlin'],
    ['Europe/Berlin', 'Europe/Berlin'],
    ['america/new_york', 'America/New_York'],
    // Aliases spelled right stay as written, even where ICU's own zone has another (older) name.
    ['Etc/UTC', 'Etc/UTC'],
    ['US/Eastern', 'US/Eastern'],
    ['Europe/Kyiv', 'Europe/Kyiv'],
    ['Asia/Kolkata', 'Asia/Kolkata'],
    // A misspelled alias becomes the zone it stands for, under a name the engines know.
    ['us/eastern', 'America/New_York'],
    ['Mars/Olympus_Mons', 'Mars/Olympus_Mons'],
  ])('%s → %s', (name, canonical) => {
    expect(canonicalTimezone(name)).toBe(canonical)
  })

  test('every name it returns is known, and spelled as Intl spells a canonical zone or as given', () => {
    for (const name of ['utc', 'europe/berlin', 'us/eastern', 'asia/tokyo']) expect(isKnownTimezone(canonicalTimezone(name))).toBe(true)
  })
})

const scheduled = (timezone: string) => specText('tz', { a: '' }, `schedule:\n  cron: "0 12 * * *"\n  timezone: ${timezone}\n`)

describe('a timezone in the wrong case', () => {
  test('is spelled right in the model, the Argo CronWorkflow and the Databricks job', async () => {
    const pipeline = await pipelineFromYaml(scheduled('europe/berlin'))
    expect(pipeline.schedule?.timezone).toBe('Europe/Berlin')
    const cron = argoTarget.generate(pipeline, { image: 'x' }).find((f) => f.path.endsWith('.cron-workflow.yaml'))!
    expect((parse(cron.contents) as { spec: { timezone: string } }).spec.timezone).toBe('Europe/Berlin')
    const job = JSON.parse(databricksTarget.generate(pipeline, {}).find((f) => f.path.endsWith('.json'))!.contents) as { schedule: { timezone_id: string } }
    expect(job.schedule.timezone_id).toBe('Europe/Berlin')
  })

  test('fires at the same instants locally as the right spelling', async () => {
    const lower = (await pipelineFromYaml(scheduled('europe/berlin'))).schedule!
    const right = (await pipelineFromYaml(scheduled('Europe/Berlin'))).schedule!
    expect(nextFires(lower, REFERENCE_TIME, 5)).toEqual(nextFires(right, REFERENCE_TIME, 5))
    expect(nextFires({ cron: '0 12 * * *', timezone: 'europe/berlin' }, REFERENCE_TIME, 5)).toEqual(nextFires(right, REFERENCE_TIME, 5))
  })
})
