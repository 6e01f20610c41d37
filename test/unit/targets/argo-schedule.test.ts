/**
 * CronWorkflow schedules: Argo parses them with robfig/cron, which refuses day-of-week 7 and ranges
 * ending in it (`5-7`, `sat-sun`) that `weir schedule` (croner) takes; the generator writes the same
 * days in robfig's syntax, and every schedule it writes must parse there (robfig-cron.ts).
 */
import { describe, expect, test } from 'vitest'
import { parse } from 'yaml'
import { Cron } from 'croner'
import { toArgoSchedule } from '../../../src/plugins/targets/argo/schedule.ts'
import { argoTarget } from '../../../src/plugins/targets/argo/index.ts'
import { TargetError } from '../../../src/plugins/targets/target-error.ts'
import { checkCron } from '../../../src/spec/rules/schedule.ts'
import { pipelineFromYaml, specText } from '../runtime/helpers.ts'
import { parseRobfig, robfigFires } from './robfig-cron.ts'
import { EXAMPLE_CONFIGS, loadPipeline, specsUnderTest } from './support.ts'

const REFERENCE_TIME = new Date(Date.UTC(2026, 0, 1))

/** The next fires as `weir schedule` matches the pattern (croner on a UTC calendar; fire-times.ts). */
function cronerFires(cron: string, n: number): Date[] {
  return new Cron(cron, { timezone: 'UTC', paused: true }).nextRuns(n, REFERENCE_TIME)
}

describe('cron → Argo schedule', () => {
  test.each([
    ['0 3 * * *', '0 3 * * *'],
    ['@daily', '@daily'],
    ['*/15 9-17 * * mon-fri', '*/15 9-17 * * mon-fri'],
    ['0 3 * * 7', '0 3 * * 0'],
    ['0 12 * * 5-7', '0 12 * * 5-6,0'],
    ['0 12 * * sat-sun', '0 12 * * 6,0'],
    ['0 12 * * FRI-SUN', '0 12 * * 5-6,0'],
    ['0 12 * * 1,7', '0 12 * * 1,0'],
    ['0 12 * * 0-7', '0 12 * * 0-6'],
    ['0 12 * * 1-7/2', '0 12 * * 1-5/2,0'],
    ['0 12 * * 1-7/3', '0 12 * * 1-4/3,0'],
    ['0 12 * * 2-7/2', '0 12 * * 2-6/2'],
    ['0 12 * * */2', '0 12 * * */2'],
    ['0 12 * * */1', '0 12 * * 0-6'],
    ['0 12 */1 * 1', '0 12 1-31 * 1'],
    ['0 12 1 jan-mar *', '0 12 1 jan-mar *'],
  ])('%s → %s', (cron, schedule) => {
    expect(toArgoSchedule(cron)).toEqual({ ok: true, schedule })
  })

  test.each([
    ['0 0 3 * * *', 'seconds field'],
    ['0 3 * * 5L', "'L', 'W' or '#'"],
    ['0 3 * * 5#2', "'L', 'W' or '#'"],
    ['0 3 L * *', "'L', 'W' or '#'"],
    ['0 3 1 * +1', "'+'"],
  ])('refuses %s (%s)', (cron, reason) => {
    expect(toArgoSchedule(cron)).toMatchObject({ ok: false, message: expect.stringContaining(reason) })
  })

  const crons = ['0 3 * * *', '@weekly', '@hourly', '*/15 9-17 * * mon-fri', '0 3 * * 7', '0 12 * * 5-7', '0 12 * * sat-sun', '0 12 * * Fri-Sun', '0 12 * * 1,7',
    '0 12 * * 0-7', '0 12 * * 1-7/2', '0 12 * * 1-7/3', '0 12 * * mon-sun/2', '0 12 * * 7-7', '0 12 * * sun-sun', '0 12 * * */3', '0 12 * * */1',
    '0 12 */1 * 1', '0 12 1 * */1', '0 12 13 * 5', '0 12 13 * 5-7', '0 12 ? * 1', '0 12 1 * ?', '30 2 1-7 * 0', '0 0 * feb-apr 6-7']

  test.each(crons)('%s: weir accepts it, robfig parses the result, and it fires at the same times', async (cron) => {
    expect(await checkCron(cron)).toBeUndefined()
    const result = toArgoSchedule(cron)
    if (!result.ok) throw new Error(result.message)
    expect(robfigFires(parseRobfig(result.schedule), REFERENCE_TIME, 60)).toEqual(cronerFires(cron, 60))
  })

  test('the checker refuses what Argo refuses (so the test above means something)', () => {
    for (const bad of ['0 3 * * 7', '0 12 * * 5-7', '0 12 * * sat-sun', '0 0 3 * * *', '0 3 * * 5L', '0 3 32 * *'])
      expect(() => parseRobfig(bad), bad).toThrow()
  })
})

const schedule = (cron: string) => `schedule:\n  cron: "${cron}"\n`

describe('the Argo target', () => {
  test("writes the rewritten schedule into the CronWorkflow (issue: Argo refused '0 3 * * 7')", async () => {
    const p = await pipelineFromYaml(specText('p', { a: '' }, schedule('0 3 * * 7')))
    expect(argoTarget.check!(p, { image: 'x' })).toEqual([])
    const cron = argoTarget.generate(p, { image: 'x' }).find((f) => f.path.endsWith('.cron-workflow.yaml'))!
    expect((parse(cron.contents) as { spec: { schedules: string[] } }).spec.schedules).toEqual(['0 3 * * 0'])
  })

  test('what Argo cannot express is a TARGET_UNSUPPORTED error at /schedule/cron, and generate refuses it', async () => {
    const p = await pipelineFromYaml(specText('p', { a: '' }, schedule('0 3 1 * +1')))
    expect(argoTarget.check!(p, { image: 'x' })).toEqual([expect.objectContaining({ severity: 'error', code: 'TARGET_UNSUPPORTED', pointer: '/schedule/cron' })])
    expect(() => argoTarget.generate(p, { image: 'x' })).toThrow(TargetError)
  })

  test('every CronWorkflow generated from the fixtures and examples has a schedule robfig parses', async () => {
    let checked = 0
    for (const { path } of await specsUnderTest()) {
      const pipeline = await loadPipeline(path)
      const config = (pipeline.targets.argo ?? EXAMPLE_CONFIGS.argo) as never
      if (!pipeline.schedule || argoTarget.check!(pipeline, config).some((f) => f.severity === 'error')) continue
      for (const file of argoTarget.generate(pipeline, config).filter((f) => f.path.endsWith('.cron-workflow.yaml'))) {
        for (const s of (parse(file.contents) as { spec: { schedules: string[] } }).spec.schedules) expect(() => parseRobfig(s), `${path}: ${s}`).not.toThrow()
        checked++
      }
    }
    expect(checked).toBeGreaterThan(0)
  })
})
