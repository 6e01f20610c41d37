/**
 * How a generated job tells `weir execute` how its run started (`run.trigger`, `run.scheduled_at`):
 * the targets (src/plugins/targets/) write these arguments and src/runtime/execute/run-trigger.ts
 * reads them, so they live in the bottom layer.
 */

/**
 * `--trigger databricks:<type>`: the type is Databricks' own (`{{job.trigger.type}}`: `periodic`,
 * `one_time`, `run_job_task`, …), which `weir execute` reads as weir's name for it.
 */
export const DATABRICKS_TRIGGER_PREFIX = 'databricks:'
