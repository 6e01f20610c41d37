/**
 * The scheduler daemon's core: one loop per pipeline that sleeps until the next fire and starts a run,
 * with the `overlap:` and `catchup:` policies, the persisted state, and a graceful stop.
 *
 * Time comes only from the injected `Clock` and runs only from the injected `runPipeline`, so tests
 * drive it with a fake clock and runners they release by hand.
 *
 * Firing is at-most-once: a fire is written to the state file before its run starts, so a scheduler
 * that dies in between loses that fire instead of running it twice after a restart.
 */
import type { Pipeline, Schedule } from '../../spec/model.ts'
import type { RunEvent, RunPipeline } from '../api.ts'
import type { Clock } from './clock.ts'
import type { SchedulerEventInput, FireSkipReason } from './events.ts'
import type { Fire } from './fire-times.ts'
import type { StateStore } from './state-store.ts'
import { nextFire, previousFires } from './fire-times.ts'
import { planCatchup } from './catchup.ts'
import { thrownText } from '../../spec/thrown-value.ts'

export interface CronSchedulerOptions {
  readonly clock: Clock
  /** Starts one run. The CLI passes the runtime's `runPipeline` with its state dir. */
  readonly runPipeline: RunPipeline
  readonly state: StateStore
  /** Receives every event; the CLI logs them. The scheduler adds `at`. */
  readonly onEvent: (event: SchedulerEventInput & { readonly at: string }) => void
  /**
   * How long `stop()` lets running runs finish before cancelling them. Longer is kinder to runs that
   * are nearly done; shorter makes deploys faster. @default 30_000
   */
  readonly graceMs?: number
  /** After cancelling, how long `stop()` waits for runs to settle before giving up on them. @default 10_000 */
  readonly cancelWaitMs?: number
  /** Most fires waiting per pipeline under `overlap: queue`; later fires are skipped. @default 100 */
  readonly queueLimit?: number
}

/** A running scheduler. */
export interface CronScheduler {
  /**
   * Schedules exactly these pipelines (those with a `schedule:`): at start and on every reload. New
   * ones catch up and start, removed ones stop firing (their runs go on), changed ones keep their
   * state and continue with the new spec.
   */
  apply(pipelines: readonly Pipeline[]): Promise<void>
  /** Stops firing, lets running runs finish within the grace period, then cancels them. */
  stop(): Promise<void>
  /**
   * Stops firing and cancels every running run through its AbortSignal now, without waiting for
   * them (a second signal to the daemon, also during `stop`'s grace period).
   */
  stopNow(): void
  /** Runs in flight. */
  running(): number
}

interface PendingFire {
  readonly fire: Fire
  readonly catchup: boolean
}

interface ActiveRun {
  readonly pipeline: string
  readonly scheduledAt: string
  readonly controller: AbortController
  settled: Promise<void>
}

interface Entry {
  pipeline: Pipeline
  schedule: Schedule
  loop?: { readonly controller: AbortController; readonly done: Promise<void> }
  /** Every fire at or before this instant (ms) has been seen: started, queued, skipped or dropped. */
  seenThrough: number
  /** Every fire at or before this instant (ms) is finished with: started, skipped or dropped. Persisted. */
  handledThrough: number
  lastFireAt?: number
  readonly queue: PendingFire[]
  readonly active: Set<ActiveRun>
  /** Serializes the decisions of one pipeline (loop fires and queue drains race otherwise). */
  chain: Promise<void>
}

/** Creates a scheduler; nothing fires until `apply`. */
export function createCronScheduler(options: CronSchedulerOptions): CronScheduler {
  const { clock, state } = options
  const graceMs = options.graceMs ?? 30_000
  const cancelWaitMs = options.cancelWaitMs ?? 10_000
  const queueLimit = options.queueLimit ?? 100
  const entries = new Map<string, Entry>()
  const runs = new Set<ActiveRun>()
  let stopping = false

  const emit = (event: SchedulerEventInput): void => options.onEvent({ ...event, at: clock.now().toISOString() })

  function serialize(entry: Entry, task: () => Promise<void>): Promise<void> {
    const next = entry.chain.then(task).catch((error: unknown) => emit({ type: 'scheduler:error', pipeline: entry.pipeline.name, message: messageOf(error) }))
    entry.chain = next
    return next
  }

  async function persist(entry: Entry): Promise<void> {
    await state.set(entry.pipeline.name, {
      handledThrough: new Date(entry.handledThrough).toISOString(),
      ...(entry.lastFireAt !== undefined && { lastFireAt: new Date(entry.lastFireAt).toISOString() }),
    })
  }

  async function markHandled(entry: Entry, fire: Fire): Promise<void> {
    if (fire.at.getTime() <= entry.handledThrough) return
    entry.handledThrough = fire.at.getTime()
    await persist(entry)
  }

  async function skip(entry: Entry, fire: Fire, reason: FireSkipReason): Promise<void> {
    emit({ type: 'fire:skip', pipeline: entry.pipeline.name, scheduledAt: fire.local, reason })
    await markHandled(entry, fire)
  }

  /** Decides what one fire does under the pipeline's `overlap:` policy. */
  async function dispatch(entry: Entry, pending: PendingFire): Promise<void> {
    if (stopping) return
    const { fire, catchup } = pending
    const { overlap, paused } = entry.schedule
    const busy = entry.active.size > 0 || entry.queue.length > 0
    if (paused) return skip(entry, fire, 'paused')
    if (!busy || overlap === 'allow') return start(entry, pending)
    // Catch-up fires replay one after another even under `skip`: replaying them is their whole point.
    if (overlap === 'skip' && !catchup) return skip(entry, fire, 'overlap')
    if (!catchup && entry.queue.length >= queueLimit) return skip(entry, fire, 'queue_full')
    entry.queue.push(pending)
    emit({ type: 'fire:queue', pipeline: entry.pipeline.name, scheduledAt: fire.local, catchup, queued: entry.queue.length })
  }

  async function drain(entry: Entry): Promise<void> {
    while (!stopping && entry.active.size === 0 && entries.get(entry.pipeline.name) === entry) {
      const pending = entry.queue.shift()
      if (!pending) return
      await start(entry, pending)
    }
  }

  async function start(entry: Entry, { fire, catchup }: PendingFire): Promise<void> {
    const { pipeline, schedule } = entry
    entry.handledThrough = Math.max(entry.handledThrough, fire.at.getTime())
    entry.lastFireAt = fire.at.getTime()
    try {
      await persist(entry) // before the run: a crash now loses this fire rather than running it twice
    } catch (error) {
      emit({ type: 'scheduler:error', pipeline: pipeline.name, message: `cannot record the fire, so it does not run: ${messageOf(error)}` })
      emit({ type: 'fire:skip', pipeline: pipeline.name, scheduledAt: fire.local, reason: 'state_error' })
      return
    }
    if (stopping) return
    const controller = new AbortController()
    const run: ActiveRun = { pipeline: pipeline.name, scheduledAt: fire.local, controller, settled: Promise.resolve() }
    entry.active.add(run)
    runs.add(run)
    emit({ type: 'fire:start', pipeline: pipeline.name, scheduledAt: fire.local, catchup, moved: fire.moved, merged: fire.merged, wallTime: fire.wallTime })
    run.settled = (async () => {
      try {
        const result = await options.runPipeline(pipeline, {
          trigger: 'schedule',
          scheduledAt: fire.local,
          params: schedule.params,
          signal: controller.signal,
          // A run store that cannot be written (a full disk) is said in the log, not left to a bare "failed".
          onEvent: (e) => {
            if (e.type === 'run:store-error') emit({ type: 'scheduler:error', pipeline: pipeline.name, message: storeErrorMessage(e) })
          },
        })
        emit({ type: 'run:finish', pipeline: pipeline.name, scheduledAt: fire.local, runId: result.runId, status: result.status })
      } catch (error) {
        emit({ type: 'run:error', pipeline: pipeline.name, scheduledAt: fire.local, message: messageOf(error) })
      } finally {
        entry.active.delete(run)
        runs.delete(run)
        if (!stopping) void serialize(entry, () => drain(entry))
      }
    })()
  }

  /**
   * Fires missed in (after, through]: runs or drops them by the `catchup:` policy (`dropAll`: drop
   * them whatever the policy says, because a fire that is due now supersedes them).
   */
  async function catchUp(entry: Entry, after: number, through: number, dropAll = false): Promise<void> {
    const schedule = dropAll ? { ...entry.schedule, catchup: 'none' as const } : entry.schedule
    const plan = planCatchup(schedule, new Date(after), new Date(through))
    if (plan.missed === 0) return
    emit({
      type: 'catchup:plan', pipeline: entry.pipeline.name, policy: entry.schedule.catchup, missed: plan.missed, missedAtLeast: plan.missedAtLeast,
      run: plan.run.map((f) => f.local), dropped: plan.dropped, paused: entry.schedule.paused,
    })
    if (plan.lastDropped) await markHandled(entry, plan.lastDropped)
    for (const fire of plan.run) await dispatch(entry, { fire, catchup: true })
  }

  async function loop(entry: Entry, signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      const next = nextFire(entry.schedule, new Date(entry.seenThrough))
      if (!next) {
        emit({ type: 'pipeline:end', pipeline: entry.pipeline.name })
        return
      }
      emit({ type: 'fire:wait', pipeline: entry.pipeline.name, scheduledAt: next.local })
      await clock.sleepUntil(next.at, signal)
      if (signal.aborted) return
      const now = clock.now().getTime()
      if (now < next.at.getTime()) continue // woke early (wall clock set back): sleep again
      // Normally `due` is `next`; it is later when the process could not run (a suspended machine).
      const due = previousFires(entry.schedule, new Date(now), 1)[0] ?? next
      const seen = entry.seenThrough
      entry.seenThrough = due.at.getTime()
      await serialize(entry, async () => {
        if (due.at.getTime() === next.at.getTime()) return dispatch(entry, { fire: due, catchup: false })
        // Woke late: the fires slept through are missed. `all` replays them up to and including the due
        // one; under `latest` and `none` the due fire runs and the older ones are dropped.
        if (entry.schedule.catchup === 'all') return catchUp(entry, seen, due.at.getTime())
        await catchUp(entry, seen, due.at.getTime() - 1, true)
        await dispatch(entry, { fire: due, catchup: false })
      })
    }
  }

  function startLoop(entry: Entry): void {
    const controller = new AbortController()
    entry.loop = { controller, done: loop(entry, controller.signal).catch((error: unknown) => emit({ type: 'scheduler:error', pipeline: entry.pipeline.name, message: messageOf(error) })) }
  }

  async function stopLoop(entry: Entry): Promise<void> {
    entry.loop?.controller.abort()
    await entry.loop?.done
    entry.loop = undefined
  }

  async function add(pipeline: Pipeline, schedule: Schedule): Promise<void> {
    const now = clock.now().getTime()
    const saved = state.get(pipeline.name)
    const entry: Entry = { pipeline, schedule, seenThrough: now, handledThrough: now, queue: [], active: new Set(), chain: Promise.resolve() }
    entries.set(pipeline.name, entry)
    emit({ type: 'pipeline:add', pipeline: pipeline.name, path: pipeline.sourcePath, cron: schedule.cron, timezone: schedule.timezone, paused: schedule.paused })
    const handledThrough = saved ? Date.parse(saved.handledThrough) : now
    if (saved?.lastFireAt !== undefined) entry.lastFireAt = Date.parse(saved.lastFireAt)
    entry.handledThrough = Math.min(handledThrough, now)
    await serialize(entry, async () => {
      if (handledThrough < now) await catchUp(entry, handledThrough, now)
      // Whatever catch-up did not run is handled now (dropped); queued catch-up fires move it on when they start.
      if (entry.queue.length === 0) entry.handledThrough = Math.max(entry.handledThrough, now)
      await persist(entry)
    })
    startLoop(entry)
  }

  async function update(entry: Entry, pipeline: Pipeline, schedule: Schedule): Promise<void> {
    const before = entry.schedule
    entry.pipeline = pipeline
    entry.schedule = schedule
    emit({ type: 'pipeline:update', pipeline: pipeline.name, path: pipeline.sourcePath, cron: schedule.cron, timezone: schedule.timezone, paused: schedule.paused })
    if (before.cron === schedule.cron && before.timezone === schedule.timezone) return
    // A new fire rule starts from now: fires the old rule never had are not "missed".
    await stopLoop(entry)
    const now = clock.now().getTime()
    entry.seenThrough = Math.max(entry.seenThrough, now)
    await serialize(entry, async () => {
      if (entry.queue.length === 0 && entry.active.size === 0) entry.handledThrough = Math.max(entry.handledThrough, now)
      await persist(entry)
    })
    startLoop(entry)
  }

  async function remove(entry: Entry): Promise<void> {
    await stopLoop(entry)
    entries.delete(entry.pipeline.name)
    dropQueue(entry)
    emit({ type: 'pipeline:remove', pipeline: entry.pipeline.name })
  }

  function dropQueue(entry: Entry): void {
    if (entry.queue.length === 0) return
    emit({ type: 'queue:drop', pipeline: entry.pipeline.name, dropped: entry.queue.length })
    entry.queue.length = 0
  }

  async function settleWithin(ms: number): Promise<boolean> {
    if (runs.size === 0) return true
    const timer = new AbortController()
    const all = Promise.all([...runs].map((r) => r.settled)).then(() => true)
    const timeout = clock.sleepUntil(new Date(clock.now().getTime() + ms), timer.signal).then(() => false)
    const settled = await Promise.race([all, timeout])
    timer.abort()
    return settled || runs.size === 0
  }

  return {
    async apply(pipelines) {
      if (stopping) return
      const wanted = new Map<string, { pipeline: Pipeline; schedule: Schedule }>()
      for (const pipeline of pipelines) if (pipeline.schedule) wanted.set(pipeline.name, { pipeline, schedule: pipeline.schedule })
      for (const entry of [...entries.values()]) if (!wanted.has(entry.pipeline.name)) await remove(entry)
      for (const [name, { pipeline, schedule }] of wanted) {
        const entry = entries.get(name)
        if (!entry) await add(pipeline, schedule)
        else if (entry.pipeline.specHash !== pipeline.specHash || entry.pipeline.sourcePath !== pipeline.sourcePath) await update(entry, pipeline, schedule)
      }
    },

    async stop() {
      if (stopping) return
      stopping = true
      await Promise.all([...entries.values()].map((entry) => stopLoop(entry)))
      await Promise.all([...entries.values()].map((entry) => entry.chain))
      for (const entry of entries.values()) dropQueue(entry)
      if (runs.size > 0) emit({ type: 'scheduler:stopping', running: runs.size, graceMs })
      if (await settleWithin(graceMs)) return emit({ type: 'scheduler:stop', cancelled: 0, abandoned: 0 })
      const cancelled = runs.size
      for (const run of runs) {
        emit({ type: 'run:cancel', pipeline: run.pipeline, scheduledAt: run.scheduledAt })
        run.controller.abort()
      }
      await settleWithin(cancelWaitMs)
      emit({ type: 'scheduler:stop', cancelled, abandoned: runs.size })
    },

    stopNow() {
      stopping = true
      for (const entry of entries.values()) {
        entry.loop?.controller.abort()
        dropQueue(entry)
      }
      emit({ type: 'scheduler:abort', running: runs.size })
      // Their handlers' ctx.signal fires now, so what they started with it (a child process, a
      // request) stops with them, even though this process will not wait for the runs to end.
      for (const run of runs) run.controller.abort()
    },

    running: () => runs.size,
  }
}

function messageOf(error: unknown): string {
  return thrownText(error)
}

/** A file of a scheduled run that the run store could not write, for the daemon's log. */
function storeErrorMessage(e: Extract<RunEvent, { type: 'run:store-error' }>): string {
  const what = `run ${e.runId}: cannot write '${e.path}' (${e.error.message})`
  return e.file === 'journal.jsonl' ? `${what}; the run stops and fails, and is kept interrupted: resume it once the cause is fixed.` : `${what}; the run is recorded whole in its journal.`
}
