/**
 * The parts every Databricks task of a weir job shares: dependencies from the trigger-rule table,
 * retries and timeout, the compute, and the launcher that runs the task's command.
 */
import type { Task } from '../../../spec/model.ts'
import { TRIGGER_RULE_TABLE } from '../../../spec/trigger-rules.ts'
import type { RemoteLayout } from '../remote-command.ts'
import { DATABRICKS_DEFAULTS } from './config.ts'
import type { DatabricksConfig } from './config.ts'
import { toTaskKey } from './task-keys.ts'
import { engineDeadlineSeconds } from '../engine-deadline.ts'

/** The key of the shared compute (environment or job cluster) every task uses. */
export const COMPUTE_KEY = 'weir'
/** Bundle variable the task commands use; the Jobs API JSON has no bundle to resolve it. */
/** The bundle variable `project_path` defaults to; the Jobs API JSON has no bundle to resolve it. */
export const WORKSPACE_FILE_PATH = '${workspace.file_path}'

/** Where a job's tasks run and how their commands are written. */
export interface TaskPlacement {
  readonly config: DatabricksConfig
  readonly layout: RemoteLayout
  /** The Python launcher: bundle-relative, or a workspace path in the API JSON. */
  readonly launcherPath: string
  readonly classic: boolean
  /** Replaces `${workspace.file_path}` in the commands of the API JSON. */
  readonly workspacePath: string | undefined
  /** The list step's notebook (items-notebook.ts): bundle-relative, or a workspace path in the API JSON. */
  readonly itemsNotebookPath: string
}

/** `depends_on` and `run_if` of a task's upstream tasks and trigger, from the one trigger-rule table. */
export function dependencies(task: Task): Record<string, unknown> {
  if (task.upstream.length === 0) return {}
  return { depends_on: task.upstream.map((u) => ({ task_key: toTaskKey(u) })), run_if: TRIGGER_RULE_TABLE[task.trigger].databricksRunIf }
}

/**
 * `max_retries`, the retry interval and `timeout_seconds` of an attempt of the task (or of one
 * item): its timeout plus a margin, since `weir execute` enforces the timeout itself (engine-deadline.ts).
 */
export function retriesAndTimeout(task: Task): Record<string, unknown> {
  const { retry } = task
  return {
    ...(retry.maxRetries > 0 && {
      max_retries: retry.maxRetries,
      min_retry_interval_millis: retry.delayMs,
      retry_on_timeout: retry.retryOnTimeout,
    }),
    ...(task.timeoutMs !== undefined && { timeout_seconds: engineDeadlineSeconds(task.timeoutMs) }),
  }
}

/** The compute and the `spark_python_task` that runs `command` through the launcher. */
export function launcherTask(command: readonly string[], where: TaskPlacement): Record<string, unknown> {
  return {
    ...compute(where),
    spark_python_task: { python_file: where.launcherPath, parameters: inWorkspace(command, where.workspacePath) },
  }
}

/** The shared job cluster (with the pip libraries) or the serverless environment. */
export function compute(where: Pick<TaskPlacement, 'classic' | 'config'>): Record<string, unknown> {
  return where.classic ? { job_cluster_key: COMPUTE_KEY, libraries: pipLibraries(where.config).map((p) => ({ pypi: { package: p } })) } : { environment_key: COMPUTE_KEY }
}

/** The command with `${workspace.file_path}` replaced, for the API JSON (the bundle resolves it itself). */
export function inWorkspace(command: readonly string[], workspacePath: string | undefined): string[] {
  return workspacePath === undefined ? [...command] : command.map((arg) => arg.replaceAll(WORKSPACE_FILE_PATH, workspacePath))
}

/** The pip requirements of every task: Node's wheel, then the config's own. */
export function pipLibraries(config: DatabricksConfig): string[] {
  return [config.node_package ?? DATABRICKS_DEFAULTS.node_package, ...(config.dependencies ?? [])]
}
