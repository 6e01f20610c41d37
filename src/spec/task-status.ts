/**
 * The task-status vocabulary: how a task ended, where an unfinished one has got to, and why a task
 * was skipped. One list for the runtime, the run store, the graph and the CLI (docs/running.md).
 */

/** Final statuses of a task in a run (DESIGN.md). An excluded task is `skipped` with reason `excluded`. */
export const TASK_STATUSES = ['succeeded', 'failed', 'skipped', 'cancelled'] as const
/** Final status of a task in a run. */
export type TaskStatus = (typeof TASK_STATUSES)[number]

/**
 * A task's status at any point of a run: `pending` and `running` while the run goes on, a final
 * `TaskStatus` once it ended, `interrupted` when the run's process died while it ran. What the run
 * store keeps and the graph draws.
 */
export type TaskLifecycleStatus = TaskStatus | 'pending' | 'running' | 'interrupted'

/**
 * Why a task was skipped: its trigger rule was not met (`upstream_failed`), it is a failure handler
 * with nothing to handle or all its upstream tasks were (`excluded`, counts as succeeded
 * downstream), or `--fail-fast` stopped the run before it started (`fail_fast`).
 */
export const SKIP_REASONS = ['upstream_failed', 'excluded', 'fail_fast'] as const
/** Why a task was skipped; see `SKIP_REASONS`. */
export type SkipReason = (typeof SKIP_REASONS)[number]
