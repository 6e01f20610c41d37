/**
 * The deadline an engine gets for one attempt of a task with a timeout: the timeout plus a margin.
 * `weir execute` enforces the exact timeout itself (a handler that blocks the event loop included:
 * src/runtime/blocked-loop-watchdog.ts) and records it in error.json with the exit code that says
 * whether it may be retried (`onTimeout`). An engine stopping the task at the same moment would
 * race that record (Databricks' `timeout_seconds` is a timeout of its own, retried by
 * `retry_on_timeout`; Argo's `activeDeadlineSeconds` fails the pod whatever weir said), so the
 * engine's deadline only stops a process that is stuck past weir's own.
 */
export const DEADLINE_GRACE_SECONDS = 60

/** The engine's deadline of an attempt of a task whose timeout is `timeoutMs`, in whole seconds. */
export function engineDeadlineSeconds(timeoutMs: number): number {
  return Math.ceil(timeoutMs / 1000) + DEADLINE_GRACE_SECONDS
}
