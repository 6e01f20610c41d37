/**
 * Test doubles for the scheduler: a fake clock moved by hand, an event log to wait on, and a runner
 * whose runs finish when the test says so. No test sleeps for real.
 */
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Clock } from '../../../src/runtime/schedule/clock.ts'
import type { SchedulerEvent, SchedulerEventOf, SchedulerEventType } from '../../../src/runtime/schedule/events.ts'
import type { RunOptions, RunPipeline, RunResult } from '../../../src/runtime/api.ts'
import type { Pipeline } from '../../../src/spec/model.ts'
import { validateSpec } from '../../../src/spec/validate.ts'
import { builtinCatalog } from '../../../src/plugins/catalog.ts'

/** The instant every scheduler test starts at: a Saturday, 12:00 UTC. */
export const REFERENCE_TIME = new Date('2027-03-27T12:00:00Z')

/** A clock that only moves when the test calls `set` or `advance`. */
export class FakeClock implements Clock {
  #now: number
  readonly #sleepers = new Set<{ at: number; wake: () => void }>()

  constructor(start: Date = REFERENCE_TIME) {
    this.#now = start.getTime()
  }

  now(): Date {
    return new Date(this.#now)
  }

  sleepUntil(at: Date, signal: AbortSignal): Promise<void> {
    if (at.getTime() <= this.#now || signal.aborted) return Promise.resolve()
    return new Promise((resolve) => {
      const sleeper = {
        at: at.getTime(),
        wake: () => {
          this.#sleepers.delete(sleeper)
          signal.removeEventListener('abort', sleeper.wake)
          resolve()
        },
      }
      this.#sleepers.add(sleeper)
      signal.addEventListener('abort', sleeper.wake, { once: true })
    })
  }

  /** Moves the clock to `to` and wakes every sleeper whose time has come. */
  set(to: Date | string): void {
    this.#now = new Date(to).getTime()
    for (const sleeper of [...this.#sleepers]) if (sleeper.at <= this.#now) sleeper.wake()
  }

  advance(ms: number): void {
    this.set(new Date(this.#now + ms))
  }

  /** Instants the sleepers wait for, earliest first. */
  pending(): Date[] {
    return [...this.#sleepers].map((s) => new Date(s.at)).sort((a, b) => a.getTime() - b.getTime())
  }
}

/** Records scheduler events; `next` waits for a future one. */
export class EventLog {
  readonly events: SchedulerEvent[] = []
  readonly #waiters: { type: SchedulerEventType; match: (e: SchedulerEvent) => boolean; resolve: (e: SchedulerEvent) => void }[] = []

  readonly push = (event: SchedulerEvent): void => {
    this.events.push(event)
    for (const waiter of [...this.#waiters])
      if (waiter.type === event.type && waiter.match(event)) {
        this.#waiters.splice(this.#waiters.indexOf(waiter), 1)
        waiter.resolve(event)
      }
  }

  /** The next event of `type` (matching `match`) from now on. Register before the action that causes it. */
  next<T extends SchedulerEventType>(type: T, match: (e: SchedulerEventOf<T>) => boolean = () => true): Promise<SchedulerEventOf<T>> {
    return new Promise((resolve) => {
      this.#waiters.push({ type, match: (e) => match(e as SchedulerEventOf<T>), resolve: (e) => resolve(e as SchedulerEventOf<T>) })
    })
  }

  /** The events of `type` so far. */
  of<T extends SchedulerEventType>(type: T): SchedulerEventOf<T>[] {
    return this.events.filter((e): e is SchedulerEventOf<T> => e.type === type)
  }
}

/** One call of the controlled runner. */
export interface RunCall {
  readonly pipeline: string
  readonly options: RunOptions
  readonly runId: string
  /** Ends the run with this status. */
  finish(status?: RunResult['status']): void
  fail(error: Error): void
}

/** A runner whose runs go on until the test finishes them; a cancelled run ends as `cancelled`. */
export function createControlledRunner(): { run: RunPipeline; calls: RunCall[]; active: () => RunCall[] } {
  const calls: RunCall[] = []
  const done = new Set<RunCall>()
  const run: RunPipeline = (pipeline, options = {}) =>
    new Promise<RunResult>((resolve, reject) => {
      const runId = `run-${calls.length + 1}`
      const call: RunCall = {
        pipeline: pipeline.name,
        options,
        runId,
        finish: (status = 'succeeded') => {
          done.add(call)
          resolve({ runId, pipeline: pipeline.name, status, tasks: {} })
        },
        fail: (error) => {
          done.add(call)
          reject(error)
        },
      }
      options.signal?.addEventListener('abort', () => call.finish('cancelled'), { once: true })
      calls.push(call)
    })
  return { run, calls, active: () => calls.filter((c) => !done.has(c)) }
}

/** A real resolved pipeline (handlers not checked) with this `schedule:` block. */
export async function makePipeline(name: string, schedule: Record<string, unknown>, dir = '/tmp/weir-schedule-test'): Promise<Pipeline> {
  const spec = {
    apiVersion: 'weir/v1',
    kind: 'Pipeline',
    name,
    params: { day: { type: 'string', default: 'today' } },
    tasks: { only: { handler: './handlers.ts#only', inputs: { day: '${{ params.day }}' } } },
    schedule,
  }
  const result = await validateSpec(JSON.stringify(spec), { path: join(dir, `${name}.json`), plugins: builtinCatalog(), checkHandlers: false, projectRoot: dir })
  if (!result.pipeline) throw new Error(`test spec is invalid: ${JSON.stringify(result.diagnostics)}`)
  return result.pipeline
}

/** A fresh temp dir for one test. */
export function makeTempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'weir-schedule-'))
}
