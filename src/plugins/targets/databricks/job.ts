/**
 * Pipeline → Databricks job settings (Jobs API 2.2 `JobSettings`, which is also the body of
 * `resources.jobs.<key>` in a bundle). One task per weir task, run through the Python launcher.
 */
import type { Pipeline, Task } from '../../../spec/model.ts'
import { cronToQuartz } from '../cron-to-quartz.ts'
import { renderRemoteCommand } from '../remote-command.ts'
import type { RemoteLayout } from '../remote-command.ts'
import { DATABRICKS_DEFAULTS } from './config.ts'
import type { DatabricksConfig } from './config.ts'
import { TargetError } from '../target-error.ts'
import { DATABRICKS_TRIGGER_PREFIX } from '../../../spec/run-trigger-protocol.ts'
import { toTaskKey } from './task-keys.ts'
import { toParamText } from '../param-hazards.ts'
import { mappedJobTasks } from './map-tasks.ts'
import { ITEMS_NOTEBOOK_FILE, ITEMS_NOTEBOOK_NAME } from './items-notebook.ts'
import { COMPUTE_KEY, dependencies, launcherTask, pipLibraries, retriesAndTimeout } from './task-parts.ts'
import type { TaskPlacement } from './task-parts.ts'

/** Jobs API limit on `max_concurrent_runs`; `overlap: allow` means "as many as Databricks allows". */
const MAX_CONCURRENT_RUNS = 1000

export type JobSettings = Record<string, unknown>

/** Whether tasks run on a job cluster (classic) rather than serverless. */
export function usesJobCluster(config: DatabricksConfig): boolean {
  return config.spark_version !== undefined || config.node_type_id !== undefined
}

export { WORKSPACE_FILE_PATH } from './task-parts.ts'

/**
 * Builds the job. `launcherPath` is where the launcher is: bundle-relative (`../weir_launcher.py`)
 * in a bundle, a workspace path in the API JSON. `workspacePath`, for the API JSON, replaces
 * `${workspace.file_path}` in the commands (weir's own template text and the target config's paths)
 * and nowhere else: param defaults, descriptions and tags are the user's data and stay as written.
 */
export function buildJob(pipeline: Pipeline, config: DatabricksConfig, launcherPath: string, workspacePath?: string): JobSettings {
  const layout = { ...databricksLayout(config), ...(pipeline.schedule && { run: DATABRICKS_RUN }) }
  const classic = usesJobCluster(config)
  // Next to the launcher; a workspace notebook has no extension.
  const itemsNotebookPath = workspacePath === undefined ? launcherPath.replace(/[^/]*$/, ITEMS_NOTEBOOK_FILE) : `${workspacePath}/${ITEMS_NOTEBOOK_NAME}`
  const job: Record<string, unknown> = {
    name: pipeline.name,
    ...(pipeline.description !== undefined && { description: pipeline.description }),
    tags: { weir_pipeline: pipeline.name, ...config.tags },
    ...concurrency(pipeline),
    ...(Object.keys(pipeline.params).length > 0 && { parameters: jobParameters(pipeline) }),
    ...(pipeline.schedule && { schedule: schedule(pipeline) }),
    ...(classic ? { job_clusters: [jobCluster(config)] } : { environments: [environment(config)] }),
    tasks: pipeline.order.flatMap((id) => {
      const task = pipeline.tasks.get(id)!
      const where = { config, layout, launcherPath, classic, workspacePath, itemsNotebookPath }
      return task.foreach === undefined ? [jobTask(pipeline, task, where)] : mappedJobTasks(pipeline, task, where)
    }),
  }
  return job
}

/**
 * What started a run, as dynamic value references: the same command runs for a scheduled and a
 * manual run, so `weir execute` reads Databricks' trigger type (`periodic` is a schedule) and keeps
 * the trigger time, in epoch milliseconds, only for a scheduled run (src/runtime/execute/run-trigger.ts).
 */
export const DATABRICKS_RUN = { trigger: `${DATABRICKS_TRIGGER_PREFIX}{{job.trigger.type}}`, scheduledAt: '{{job.trigger.time.timestamp_ms}}' } as const

/** How the template variables read on Databricks: dynamic value references. */
export function databricksLayout(config: DatabricksConfig): RemoteLayout {
  const projectPath = config.project_path ?? DATABRICKS_DEFAULTS.project_path
  return {
    // The launcher adds `node`; the first parameter is the CLI script.
    cli: [config.cli ?? `${projectPath.replace(/\/+$/, '')}/node_modules/weir-pipelines/bin/weir.js`],
    projectPath,
    runId: '{{job.run_id}}',
    param: (name) => `{{job.parameters.${name}}}`,
    ...(config.storage !== undefined && { storage: config.storage }),
    ...(config.command !== undefined && { command: config.command }),
  }
}

function jobTask(pipeline: Pipeline, task: Task, where: TaskPlacement): Record<string, unknown> {
  return {
    task_key: toTaskKey(task.id),
    ...(task.description !== undefined && { description: task.description }),
    ...dependencies(task),
    ...retriesAndTimeout(task),
    ...launcherTask(renderRemoteCommand(pipeline, task, where.layout), where),
  }
}

/**
 * `overlap` → concurrency: `skip` drops a fire while a run is going (one run, no queue), `queue`
 * waits (one run, queue on), `allow` runs side by side. Without a schedule runs are manual, and
 * weir never stops two manual runs, so that reads as `allow`.
 */
function concurrency(pipeline: Pipeline): Record<string, unknown> {
  switch (pipeline.schedule?.overlap ?? 'allow') {
    case 'skip':
      return { max_concurrent_runs: 1, queue: { enabled: false } }
    case 'queue':
      return { max_concurrent_runs: 1, queue: { enabled: true } }
    case 'allow':
      return { max_concurrent_runs: MAX_CONCURRENT_RUNS, queue: { enabled: false } }
  }
}

/** Job parameters are strings; non-strings are written as JSON and typed again by `weir execute`. */
function jobParameters(pipeline: Pipeline): { name: string; default: string }[] {
  const scheduled = pipeline.schedule?.params ?? {}
  return Object.values(pipeline.params).map((p) => {
    const value = p.name in scheduled ? scheduled[p.name] : p.hasDefault ? p.default : undefined
    // A required param without a default: Databricks needs some default; empty means "not given".
    return { name: p.name, default: value === undefined ? '' : toParamText(pipeline, p.name, value) }
  })
}

function schedule(pipeline: Pipeline): Record<string, unknown> {
  const s = pipeline.schedule!
  const quartz = cronToQuartz(s.cron)
  if (!quartz.ok) throw new TargetError('/schedule/cron', quartz.message)
  return { quartz_cron_expression: quartz.quartz, timezone_id: s.timezone, pause_status: s.paused ? 'PAUSED' : 'UNPAUSED' }
}


function environment(config: DatabricksConfig): Record<string, unknown> {
  return {
    environment_key: COMPUTE_KEY,
    spec: { environment_version: config.environment_version ?? DATABRICKS_DEFAULTS.environment_version, dependencies: pipLibraries(config) },
  }
}

function jobCluster(config: DatabricksConfig): Record<string, unknown> {
  return {
    job_cluster_key: COMPUTE_KEY,
    new_cluster: {
      ...(config.spark_version !== undefined && { spark_version: config.spark_version }),
      ...(config.node_type_id !== undefined && { node_type_id: config.node_type_id }),
      num_workers: config.num_workers ?? DATABRICKS_DEFAULTS.num_workers,
    },
  }
}
