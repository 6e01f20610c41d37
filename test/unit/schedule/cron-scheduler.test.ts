import { afterEach, describe, expect, test } from 'vitest'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Pipeline } from '../../../src/spec/model.ts'
import type { CronScheduler } from '../../../src/runtime/schedule/cron-scheduler.ts'
import { createCronScheduler } from '../../../src/runtime/schedule/cron-scheduler.ts'
import { openStateStore } from '../../../src/runtime/schedule/state-store.ts'
import { EventLog, FakeClock, REFERENCE_TIME, createControlledRunner, makePipeline, makeTempDir } from './support.ts'

interface Harness {
  readonly scheduler: CronScheduler
  readonly clock: FakeClock
  readonly log: EventLog
  readonly runner: ReturnType<typeof createControlledRunner>
  readonly dir: string
}

const started: Harness[] = []

afterEach(async () => {
  // Release every run so no promise outlives its test.
  for (const h of started.splice(0)) {
    for (const call of h.runner.active()) call.finish()
    await h.scheduler.stop()
  }
})

async function startScheduler(
  pipelines: readonly Pipeline[],
  options: { dir?: string; clock?: FakeClock; graceMs?: number; queueLimit?: number } = {},
): Promise<Harness> {
  const dir = options.dir ?? (await makeTempDir())
  const clock = options.clock ?? new FakeClock()
  const log = new EventLog()
  const runner = createControlledRunner()
  const state = await openStateStore(join(dir, 'state.json'))
  const scheduler = createCronScheduler({
    clock, runPipeline: runner.run, state, onEvent: log.push, graceMs: options.graceMs ?? 30_000, cancelWaitMs: 5_000,
    ...(options.queueLimit !== undefined && { queueLimit: options.queueLimit }),
  })
  const harness = { scheduler, clock, log, runner, dir }
  started.push(harness)
  await scheduler.apply(pipelines)
  return harness
}

/** Moves the clock to `to` and waits until the pipeline's loop has handled the fire and sleeps again. */
async function tick(h: Harness, to: string, pipeline = 'nightly'): Promise<void> {
  const sleeping = h.log.next('fire:wait', (e) => e.pipeline === pipeline)
  h.clock.set(to)
  await sleeping
}

const every15 = (extra: Record<string, unknown> = {}) => makePipeline('nightly', { cron: '*/15 * * * *', ...extra })

describe('firing', () => {
  test('starts a run at each fire time with trigger schedule, the fire time and the schedule params', async () => {
    const h = await startScheduler([await every15({ timezone: 'Europe/Berlin', params: { day: 'yesterday' } })])
    expect(h.log.of('fire:wait').at(-1)?.scheduledAt).toBe('2027-03-27T13:15:00+01:00')
    await tick(h, '2027-03-27T12:15:00Z')
    expect(h.runner.calls).toHaveLength(1)
    expect(h.runner.calls[0]?.options).toMatchObject({ trigger: 'schedule', scheduledAt: '2027-03-27T13:15:00+01:00', params: { day: 'yesterday' } })
    expect(h.log.of('fire:start')).toMatchObject([{ pipeline: 'nightly', scheduledAt: '2027-03-27T13:15:00+01:00', catchup: false }])
    const finished = h.log.next('run:finish')
    h.runner.calls[0]?.finish()
    expect(await finished).toMatchObject({ runId: 'run-1', status: 'succeeded', scheduledAt: '2027-03-27T13:15:00+01:00' })
  })

  test("a run store that cannot be written is said in the log, with the run's file and the cause", async () => {
    const h = await startScheduler([await every15()])
    await tick(h, '2027-03-27T12:15:00Z')
    const said = h.log.next('scheduler:error')
    h.runner.calls[0]!.options.onEvent!({
      type: 'run:store-error',
      runId: 'run-1',
      file: 'journal.jsonl',
      path: '/state/runs/run-1/journal.jsonl',
      error: { code: 'ENOSPC', message: 'ENOSPC: no space left on device, write', origin: 'system', recoverable: true },
      at: 0,
    })
    expect(await said).toMatchObject({
      pipeline: 'nightly',
      message: "run run-1: cannot write '/state/runs/run-1/journal.jsonl' (ENOSPC: no space left on device, write); the run stops and fails, and is kept interrupted: resume it once the cause is fixed.",
    })
    h.runner.calls[0]!.finish('failed')
  })

  test('does not fire before the fire time', async () => {
    const h = await startScheduler([await every15()])
    h.clock.set('2027-03-27T12:14:59.999Z')
    await Promise.resolve()
    expect(h.runner.calls).toHaveLength(0)
    expect(h.clock.pending()).toEqual([new Date('2027-03-27T12:15:00Z')])
  })

  test('across the Berlin spring gap the 02:xx fires are one fire at 03:00 CEST (the daemon uses nextFires)', async () => {
    const clock = new FakeClock(new Date('2027-03-28T00:50:00Z'))
    const h = await startScheduler([await every15({ timezone: 'Europe/Berlin' })], { clock })
    for (const at of ['2027-03-28T01:00:00Z', '2027-03-28T01:15:00Z']) {
      h.runner.active().forEach((c) => c.finish())
      await tick(h, at)
    }
    expect(h.log.of('fire:start').map((e) => [e.scheduledAt, e.moved])).toEqual([
      ['2027-03-28T03:00:00+02:00', true],
      ['2027-03-28T03:15:00+02:00', false],
    ])
  })

  test('a schedule that is paused logs a skip per fire and starts nothing', async () => {
    const h = await startScheduler([await every15({ paused: true })])
    await tick(h, '2027-03-27T12:15:00Z')
    expect(h.runner.calls).toHaveLength(0)
    expect(h.log.of('fire:skip')).toMatchObject([{ reason: 'paused', scheduledAt: '2027-03-27T12:15:00+00:00' }])
  })

  test('a run that throws is logged as a run error and the schedule goes on', async () => {
    const h = await startScheduler([await every15()])
    await tick(h, '2027-03-27T12:15:00Z')
    const failed = h.log.next('run:error')
    h.runner.calls[0]?.fail(new Error('handler module not found'))
    expect((await failed).message).toBe('handler module not found')
    await tick(h, '2027-03-27T12:30:00Z')
    expect(h.runner.calls).toHaveLength(2)
  })
})

describe('overlap', () => {
  test('skip: a fire while the previous run goes on is skipped; the next one after it ends runs', async () => {
    const h = await startScheduler([await every15({ overlap: 'skip' })])
    await tick(h, '2027-03-27T12:15:00Z')
    await tick(h, '2027-03-27T12:30:00Z')
    expect(h.runner.calls).toHaveLength(1)
    expect(h.log.of('fire:skip')).toMatchObject([{ reason: 'overlap', scheduledAt: '2027-03-27T12:30:00+00:00' }])
    const finished = h.log.next('run:finish')
    h.runner.calls[0]?.finish()
    await finished
    await tick(h, '2027-03-27T12:45:00Z')
    expect(h.runner.calls.map((c) => c.options.scheduledAt)).toEqual(['2027-03-27T12:15:00+00:00', '2027-03-27T12:45:00+00:00'])
  })

  test('queue: fires wait for the previous run and start one after another, in order', async () => {
    const h = await startScheduler([await every15({ overlap: 'queue' })])
    await tick(h, '2027-03-27T12:15:00Z')
    await tick(h, '2027-03-27T12:30:00Z')
    await tick(h, '2027-03-27T12:45:00Z')
    expect(h.runner.calls).toHaveLength(1)
    expect(h.log.of('fire:queue').map((e) => e.queued)).toEqual([1, 2])
    for (const expected of ['2027-03-27T12:30:00+00:00', '2027-03-27T12:45:00+00:00']) {
      const next = h.log.next('fire:start')
      h.runner.active()[0]?.finish()
      expect((await next).scheduledAt).toBe(expected)
      expect(h.runner.active()).toHaveLength(1)
    }
  })

  test('queue: beyond the queue limit fires are skipped', async () => {
    const h = await startScheduler([await every15({ overlap: 'queue' })], { queueLimit: 1 })
    await tick(h, '2027-03-27T12:15:00Z')
    await tick(h, '2027-03-27T12:30:00Z')
    await tick(h, '2027-03-27T12:45:00Z')
    expect(h.log.of('fire:skip')).toMatchObject([{ reason: 'queue_full', scheduledAt: '2027-03-27T12:45:00+00:00' }])
  })

  test('allow: runs overlap', async () => {
    const h = await startScheduler([await every15({ overlap: 'allow' })])
    await tick(h, '2027-03-27T12:15:00Z')
    await tick(h, '2027-03-27T12:30:00Z')
    expect(h.runner.active()).toHaveLength(2)
    expect(h.scheduler.running()).toBe(2)
  })

  test('pipelines do not block each other', async () => {
    const h = await startScheduler([await every15({ overlap: 'skip' }), await makePipeline('hourly', { cron: '30 * * * *' })])
    const other = h.log.next('fire:wait', (e) => e.pipeline === 'hourly')
    await tick(h, '2027-03-27T12:15:00Z')
    h.clock.set('2027-03-27T12:30:00Z')
    await other
    expect(h.runner.active().map((c) => c.pipeline).sort()).toEqual(['hourly', 'nightly'])
  })
})

describe('catch-up after downtime', () => {
  /** State as a scheduler that stopped 2 hours before REFERENCE_TIME would have left it. */
  async function dirWithState(handledThrough = '2027-03-27T10:00:00Z'): Promise<string> {
    const dir = await makeTempDir()
    await writeFile(join(dir, 'state.json'), JSON.stringify({ version: 1, pipelines: { nightly: { handledThrough } } }))
    return dir
  }

  test('none: missed fires are dropped and logged', async () => {
    const h = await startScheduler([await every15({ catchup: 'none' })], { dir: await dirWithState() })
    expect(h.runner.calls).toHaveLength(0)
    expect(h.log.of('catchup:plan')).toMatchObject([{ policy: 'none', missed: 8, run: [], dropped: 8 }])
  })

  test('latest: only the most recent missed fire runs', async () => {
    const h = await startScheduler([await every15({ catchup: 'latest' })], { dir: await dirWithState() })
    expect(h.runner.calls.map((c) => c.options.scheduledAt)).toEqual(['2027-03-27T12:00:00+00:00'])
    expect(h.log.of('catchup:plan')).toMatchObject([{ missed: 8, dropped: 7 }])
    expect(h.log.of('fire:start')).toMatchObject([{ catchup: true }])
  })

  test('all: every missed fire runs, oldest first, one after another under overlap skip', async () => {
    const h = await startScheduler([await every15({ catchup: 'all', overlap: 'skip' })], { dir: await dirWithState('2027-03-27T11:00:00Z') })
    const expected = ['2027-03-27T11:15:00+00:00', '2027-03-27T11:30:00+00:00', '2027-03-27T11:45:00+00:00', '2027-03-27T12:00:00+00:00']
    expect(h.log.of('catchup:plan')).toMatchObject([{ missed: 4, run: expected, dropped: 0 }])
    for (let i = 1; i < expected.length; i++) {
      const next = h.log.next('fire:start')
      h.runner.active()[0]?.finish()
      await next
    }
    expect(h.runner.calls.map((c) => c.options.scheduledAt)).toEqual(expected)
  })

  test('all is bounded by catchupLimit: the most recent fires run, older ones are dropped', async () => {
    const h = await startScheduler([await every15({ catchup: 'all', catchupLimit: 3, overlap: 'allow' })], { dir: await dirWithState() })
    expect(h.runner.calls.map((c) => c.options.scheduledAt)).toEqual(['2027-03-27T11:30:00+00:00', '2027-03-27T11:45:00+00:00', '2027-03-27T12:00:00+00:00'])
    expect(h.log.of('catchup:plan')).toMatchObject([{ missed: 8, dropped: 5 }])
  })

  test('a first start (no state) catches nothing up', async () => {
    const h = await startScheduler([await every15({ catchup: 'all' })])
    expect(h.log.of('catchup:plan')).toEqual([])
    expect(h.runner.calls).toHaveLength(0)
  })

  test('a machine that slept through fires runs the fire due now and drops the older ones (latest)', async () => {
    const h = await startScheduler([await every15({ catchup: 'latest', overlap: 'skip' })])
    await tick(h, '2027-03-27T13:05:00Z') // the 12:15 sleeper wakes 50 minutes late
    // Missed: 12:15, 12:30, 12:45; 13:00 is due now and runs as a normal fire.
    expect(h.log.of('catchup:plan')).toMatchObject([{ policy: 'latest', missed: 3, dropped: 3, run: [] }])
    expect(h.log.of('fire:start')).toMatchObject([{ scheduledAt: '2027-03-27T13:00:00+00:00', catchup: false }])
  })

  test('a machine that slept through fires replays them and the due one, in order (all)', async () => {
    const h = await startScheduler([await every15({ catchup: 'all', overlap: 'skip' })])
    await tick(h, '2027-03-27T12:50:00Z')
    const expected = ['2027-03-27T12:15:00+00:00', '2027-03-27T12:30:00+00:00', '2027-03-27T12:45:00+00:00']
    expect(h.log.of('catchup:plan')).toMatchObject([{ policy: 'all', missed: 3, dropped: 0, run: expected }])
    for (let i = 1; i < expected.length; i++) {
      const next = h.log.next('fire:start')
      h.runner.active()[0]?.finish()
      await next
    }
    expect(h.runner.calls.map((c) => c.options.scheduledAt)).toEqual(expected)
  })
})

describe('restart', () => {
  test('a scheduler killed after a fire and restarted does not fire it again', async () => {
    const dir = await makeTempDir()
    const pipeline = await every15({ catchup: 'all' })
    const first = await startScheduler([pipeline], { dir })
    await tick(first, '2027-03-27T12:15:00Z')
    expect(first.runner.calls).toHaveLength(1)
    // "kill -9": the first scheduler is abandoned without stop(); a new one reads the same state dir.
    const second = await startScheduler([pipeline], { dir, clock: new FakeClock(new Date('2027-03-27T12:20:00Z')) })
    expect(second.runner.calls).toHaveLength(0)
    expect(second.log.of('catchup:plan')).toEqual([])
    await tick(second, '2027-03-27T12:30:00Z')
    expect(second.runner.calls.map((c) => c.options.scheduledAt)).toEqual(['2027-03-27T12:30:00+00:00'])
  })

  test('persists the last fire before the run starts', async () => {
    const h = await startScheduler([await every15()])
    const runStarted = new Promise<string>((resolve) => {
      h.log.next('fire:start').then(async () => resolve(await readFile(join(h.dir, 'state.json'), 'utf8')), () => undefined)
    })
    h.clock.set('2027-03-27T12:15:00Z')
    expect(JSON.parse(await runStarted)).toEqual({ version: 1, pipelines: { nightly: { handledThrough: '2027-03-27T12:15:00.000Z', lastFireAt: '2027-03-27T12:15:00.000Z' } } })
  })

  test('a restart after missing fires runs them once, then fires normally', async () => {
    const dir = await makeTempDir()
    const pipeline = await every15({ catchup: 'latest' })
    const first = await startScheduler([pipeline], { dir })
    await tick(first, '2027-03-27T12:15:00Z')
    const second = await startScheduler([pipeline], { dir, clock: new FakeClock(new Date('2027-03-27T12:50:00Z')) })
    expect(second.runner.calls.map((c) => c.options.scheduledAt)).toEqual(['2027-03-27T12:45:00+00:00'])
    const third = await startScheduler([pipeline], { dir, clock: new FakeClock(new Date('2027-03-27T12:55:00Z')) })
    expect(third.runner.calls).toHaveLength(0)
  })
})

describe('stop', () => {
  test('lets a run finish within the grace period', async () => {
    const h = await startScheduler([await every15()], { graceMs: 60_000 })
    await tick(h, '2027-03-27T12:15:00Z')
    const stopped = h.scheduler.stop()
    const done = h.log.next('scheduler:stop')
    h.runner.calls[0]?.finish()
    await stopped
    expect(await done).toMatchObject({ cancelled: 0, abandoned: 0 })
    expect(h.runner.calls[0]?.options.signal?.aborted).toBe(false)
  })

  test('cancels runs still going after the grace period, through their AbortSignal', async () => {
    const h = await startScheduler([await every15()], { graceMs: 60_000 })
    await tick(h, '2027-03-27T12:15:00Z')
    const stopping = h.log.next('scheduler:stopping')
    const stopped = h.scheduler.stop()
    expect(await stopping).toMatchObject({ running: 1, graceMs: 60_000 })
    h.clock.advance(59_999)
    expect(h.runner.calls[0]?.options.signal?.aborted).toBe(false)
    const done = h.log.next('scheduler:stop')
    h.clock.advance(1)
    await stopped
    expect(await done).toMatchObject({ cancelled: 1, abandoned: 0 })
    expect(h.log.of('run:finish')).toMatchObject([{ status: 'cancelled' }])
  })

  test('stopNow, during the grace period, cancels the runs through their AbortSignal at once and fires nothing more', async () => {
    const h = await startScheduler([await every15({ overlap: 'queue' })], { graceMs: 60_000 })
    await tick(h, '2027-03-27T12:15:00Z')
    const stopping = h.log.next('scheduler:stopping')
    const stopped = h.scheduler.stop()
    await stopping
    expect(h.runner.calls[0]?.options.signal?.aborted).toBe(false)
    h.scheduler.stopNow()
    // Without the clock moving: the grace period is not waited out.
    expect(h.runner.calls[0]?.options.signal?.aborted).toBe(true)
    expect(h.log.of('scheduler:abort')).toMatchObject([{ running: 1 }])
    await stopped
    h.clock.set('2027-03-27T13:00:00Z')
    expect(h.runner.calls).toHaveLength(1)
  })

  test('stopNow without a stop first stops firing, drops queued fires and cancels the runs', async () => {
    const h = await startScheduler([await every15({ overlap: 'queue' })])
    await tick(h, '2027-03-27T12:15:00Z')
    await tick(h, '2027-03-27T12:30:00Z')
    h.scheduler.stopNow()
    expect(h.runner.calls[0]?.options.signal?.aborted).toBe(true)
    expect(h.log.of('queue:drop')).toMatchObject([{ dropped: 1 }])
    h.clock.set('2027-03-27T13:00:00Z')
    expect(h.runner.calls).toHaveLength(1)
  })

  test('fires nothing after stop and drops queued fires', async () => {
    const h = await startScheduler([await every15({ overlap: 'queue' })])
    await tick(h, '2027-03-27T12:15:00Z')
    await tick(h, '2027-03-27T12:30:00Z')
    const stopped = h.scheduler.stop()
    h.runner.calls[0]?.finish()
    await stopped
    h.clock.set('2027-03-27T13:00:00Z')
    expect(h.runner.calls).toHaveLength(1)
    expect(h.log.of('queue:drop')).toMatchObject([{ dropped: 1 }])
    expect(h.clock.pending()).toEqual([])
  })
})

describe('reload (apply)', () => {
  test('a changed cron takes effect without catching up fires the old rule never had', async () => {
    const h = await startScheduler([await every15()])
    await tick(h, '2027-03-27T12:15:00Z')
    h.runner.calls[0]?.finish()
    h.clock.set('2027-03-27T12:20:00Z')
    await h.scheduler.apply([await makePipeline('nightly', { cron: '* * * * *' })])
    expect(h.log.of('pipeline:update')).toHaveLength(1)
    expect(h.clock.pending()).toEqual([new Date('2027-03-27T12:21:00Z')])
    expect(h.runner.calls).toHaveLength(1)
  })

  test('a removed pipeline stops firing; its running run goes on', async () => {
    const h = await startScheduler([await every15()])
    await tick(h, '2027-03-27T12:15:00Z')
    await h.scheduler.apply([])
    expect(h.log.of('pipeline:remove')).toMatchObject([{ pipeline: 'nightly' }])
    expect(h.clock.pending()).toEqual([])
    expect(h.runner.calls[0]?.options.signal?.aborted).toBe(false)
    expect(h.scheduler.running()).toBe(1)
  })

  test('an unchanged spec is left alone and pausing takes effect at the next fire', async () => {
    const h = await startScheduler([await every15()])
    await h.scheduler.apply([await every15()])
    expect(h.log.of('pipeline:update')).toHaveLength(0)
    await h.scheduler.apply([await every15({ paused: true })])
    await tick(h, '2027-03-27T12:15:00Z')
    expect(h.log.of('fire:skip')).toMatchObject([{ reason: 'paused' }])
  })

  test('a pipeline added on reload starts from its saved state', async () => {
    const h = await startScheduler([])
    await h.scheduler.apply([await every15()])
    expect(h.log.of('pipeline:add')).toMatchObject([{ pipeline: 'nightly', cron: '*/15 * * * *', timezone: 'UTC' }])
    expect(h.clock.pending()).toEqual([new Date('2027-03-27T12:15:00Z')])
  })
})

test('REFERENCE_TIME is the fake clock\'s start', () => {
  expect(new FakeClock().now()).toEqual(REFERENCE_TIME)
})
