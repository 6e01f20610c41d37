/**
 * The AbortController behind a signal handlers get as `ctx.signal` (or that every running attempt
 * listens to). Handlers pass it to each of their operations (`Promise.all` over a dozen `fetch`es
 * with `{ signal: ctx.signal }`), and executors listen to it once per attempt: a listener per
 * operation is no leak, and Node's default limit of ten printed "MaxListenersExceededWarning:
 * Possible EventTarget memory leak detected" into the run's output and the task logs.
 */
import { setMaxListeners } from 'node:events'

/** An AbortController whose signal takes any number of listeners. */
export function createAttemptController(): AbortController {
  const controller = new AbortController()
  setMaxListeners(0, controller.signal)
  return controller
}
