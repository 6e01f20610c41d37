import { describe, expect, test } from 'vitest'
import { formatPreviewJson, formatPreviewText, previewSchedules } from '../../../src/runtime/schedule/preview.ts'
import { formatLogLine } from '../../../src/runtime/schedule/format-log.ts'
import { makePipeline } from './support.ts'

describe('schedule preview', () => {
  test('JSON has name, timezone and fires as ISO strings with offset, plus notes for DST fires', async () => {
    const pipeline = await makePipeline('nightly', { cron: '30 2 * * *', timezone: 'Europe/Berlin' })
    const previews = await previewSchedules([pipeline], new Date('2027-03-27T00:00:00Z'), 3)
    const json = JSON.parse(formatPreviewJson(previews))
    expect(json.pipelines).toHaveLength(1)
    expect(json.pipelines[0]).toMatchObject({
      name: 'nightly',
      timezone: 'Europe/Berlin',
      fires: ['2027-03-27T02:30:00+01:00', '2027-03-28T03:00:00+02:00', '2027-03-29T02:30:00+02:00'],
      description: 'At 02:30',
      notes: [{ fire: 1, kind: 'moved', wallTime: '2027-03-28T02:30:00' }],
    })
  })

  test('text marks moved and merged fires and describes the cron', async () => {
    const pipeline = await makePipeline('hourly', { cron: '0 * * * *', timezone: 'America/New_York' })
    const text = formatPreviewText(await previewSchedules([pipeline], new Date('2027-11-07T04:30:00Z'), 2))
    expect(text).toBe(
      [
        "hourly: '0 * * * *' in America/New_York: Every hour",
        '  overlap: skip, catchup: latest',
        '  2027-11-07T01:00:00-04:00  merged: 01:00 occurs twice on 2027-11-07 (clocks fall back); fires once, at the first occurrence',
        '  2027-11-07T02:00:00-05:00',
        '',
      ].join('\n'),
    )
  })

  test('pipelines without a schedule are left out', async () => {
    const pipeline = await makePipeline('nightly', { cron: '0 3 * * *' })
    const unscheduled = { ...pipeline, schedule: undefined }
    expect(await previewSchedules([unscheduled], new Date('2027-01-01T00:00:00Z'), 1)).toEqual([])
  })
})

describe('log lines', () => {
  const at = '2027-03-28T01:00:00.000Z'
  test.each([
    [{ type: 'fire:start', at, pipeline: 'p', scheduledAt: '2027-03-28T03:00:00+02:00', catchup: false, moved: true, merged: false, wallTime: '2027-03-28T02:30:00' }, `${at} fire     p 2027-03-28T03:00:00+02:00 (moved: 02:30 does not exist that day)`],
    [{ type: 'fire:skip', at, pipeline: 'p', scheduledAt: 'S', reason: 'overlap' }, `${at} skip     p S: the previous run is still going (overlap: skip)`],
    [{ type: 'catchup:plan', at, pipeline: 'p', policy: 'all', missed: 8, missedAtLeast: false, run: ['A', 'B', 'C'], dropped: 5, paused: false }, `${at} catch-up p: 8 missed fires (catchup: all); running 3 (A … C), dropping 5`],
    [{ type: 'run:finish', at, pipeline: 'p', scheduledAt: 'S', runId: 'r1', status: 'failed' }, `${at} run      p S: r1 failed`],
    [{ type: 'fire:wait', at, pipeline: 'p', scheduledAt: 'S' }, undefined],
  ] as const)('%o', (event, line) => {
    expect(formatLogLine(event)).toBe(line)
  })
})
