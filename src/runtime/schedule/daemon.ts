/**
 * The `weir schedule` daemon without the process around it: lock, state, spec loading, reload and
 * stop. The CLI adds signals and the log; tests drive it with a fake clock and runner.
 */
import { join } from 'node:path'
import type { Pipeline } from '../../spec/model.ts'
import type { PluginCatalog } from '../../spec/validate.ts'
import type { RunPipeline } from '../api.ts'
import type { Clock } from './clock.ts'
import type { SchedulerEvent, SchedulerEventInput } from './events.ts'
import { acquireSchedulerLock } from './lock.ts'
import { openStateStore } from './state-store.ts'
import { loadScheduledSpecs } from './load-specs.ts'
import { createCronScheduler } from './cron-scheduler.ts'
import { WeirError } from '../errors.ts'
import { clearModuleCache } from '../../spec/module-exports.ts'
import { forgetProjectRoots } from '../../spec/project-root.ts'

export interface DaemonOptions {
  /** Spec files or folders, as given on the command line; expanded again on every reload. */
  readonly paths: readonly string[]
  /** Expands `paths` into spec files (the CLI's finder). */
  readonly findSpecFiles: (paths: readonly string[]) => Promise<string[]>
  readonly plugins: PluginCatalog
  /** Root of local state; the scheduler keeps its lock and state in `<stateDir>/schedule/`. */
  readonly stateDir: string
  readonly clock: Clock
  /** Starts one run (the runtime's `runPipeline`, writing to the same state dir). */
  readonly runPipeline: RunPipeline
  /** How long a stop lets running runs finish before cancelling them. */
  readonly graceMs: number
  readonly onEvent: (event: SchedulerEvent) => void
}

/** A started daemon. */
export interface Daemon {
  /** Loads the specs again (SIGHUP): changed specs take effect, invalid ones keep their previous version. */
  reload(): Promise<void>
  /** Stops firing, lets runs finish within the grace period, cancels the rest, releases the lock. */
  stop(): Promise<void>
  /** Stops firing, cancels running runs without waiting for them, releases the lock; also during `stop`. */
  stopNow(): Promise<void>
}

/** Where the scheduler's files live under the state dir. */
export function schedulerPaths(stateDir: string): { readonly lock: string; readonly state: string } {
  return { lock: join(stateDir, 'schedule', 'scheduler.lock'), state: join(stateDir, 'schedule', 'state.json') }
}

/**
 * Takes the state dir's scheduler lock, loads the specs and starts firing. Throws `SCHEDULER_LOCKED`
 * when another scheduler holds the state dir and `SCHEDULE_NOTHING` when no valid spec has a schedule.
 */
export async function startScheduleDaemon(options: DaemonOptions): Promise<Daemon> {
  const { clock } = options
  const emit = (event: SchedulerEventInput): void => options.onEvent({ ...event, at: clock.now().toISOString() } as SchedulerEvent)
  const paths = schedulerPaths(options.stateDir)
  const lock = await acquireSchedulerLock(paths.lock, { now: clock.now() })
  let scheduler
  let specs: Map<string, Pipeline>
  try {
    specs = await loadScheduledSpecs(await options.findSpecFiles(options.paths), { plugins: options.plugins, emit })
    if (specs.size === 0)
      throw new WeirError('SCHEDULE_NOTHING', `No valid spec with a 'schedule:' block in ${options.paths.map((p) => `'${p}'`).join(', ')}; add one (see docs/scheduling.md) or fix the specs reported above.`)
    const state = await openStateStore(paths.state)
    scheduler = createCronScheduler({ clock, runPipeline: options.runPipeline, state, onEvent: options.onEvent, graceMs: options.graceMs })
    await scheduler.apply([...specs.values()])
  } catch (error) {
    await lock.release()
    throw error
  }
  const running = scheduler
  let reloading: Promise<void> = Promise.resolve()
  let stopped: Promise<void> | undefined
  return {
    reload() {
      reloading = reloading.then(async () => {
        if (stopped) return
        try {
          const files = await options.findSpecFiles(options.paths)
          // Check the specs against the handler files (and project roots) as they are now, not as first read.
          clearModuleCache()
          forgetProjectRoots()
          specs = await loadScheduledSpecs(files, { plugins: options.plugins, previous: specs, emit })
          emit({ type: 'scheduler:reload', files: files.length, scheduled: specs.size })
          await running.apply([...specs.values()])
        } catch (error) {
          emit({ type: 'scheduler:error', message: `reload failed, keeping the current specs: ${error instanceof Error ? error.message : String(error)}` })
        }
      })
      return reloading
    },
    stop() {
      stopped ??= (async () => {
        await reloading
        await running.stop()
        await lock.release()
      })()
      return stopped
    },
    async stopNow() {
      running.stopNow()
      await lock.release()
    },
  }
}
