/**
 * A mapped task (`foreach:`, docs/fan-out.md) on Databricks: two tasks of the job.
 *
 * - `<id>_ITEMS`, the list step: a `notebook_task` (only a notebook can set a task value) that runs
 *   `weir execute … --list-items --max-items 10000` and sets the task value `indexes`, the list
 *   `[0, …, n-1]`. It carries the mapped task's `depends_on` / `run_if`: the trigger is judged once.
 * - `<id>`, a `for_each_task` over `{{tasks.<id>_ITEMS.values.indexes}}` whose nested task
 *   `<id>_ITEM` runs `weir execute … --item-index={{input}}` with the task's retries and timeout.
 *   Downstream tasks depend on it, so they see the map as one task: it fails when an iteration
 *   failed, succeeds when all did (an empty list included), and is skipped or excluded with its list step.
 *
 * The keys end in capitals, which weir ids never contain, so they never meet another task's key.
 */
import type { Pipeline, Task } from '../../../spec/model.ts'
import { INDEXES_VALUE } from '../../../spec/map-protocol.ts'
import { renderRemoteCommand } from '../remote-command.ts'
import { DATABRICKS_DEFAULTS } from './config.ts'
import { argParameter, NODE_PACKAGE_PARAMETER } from './items-notebook.ts'
import { DATABRICKS_MAX_ITEMS, DEFAULT_FOR_EACH_CONCURRENCY } from './map-limits.ts'
import { toTaskKey } from './task-keys.ts'
import { COMPUTE_KEY, dependencies, inWorkspace, launcherTask, pipLibraries, retriesAndTimeout } from './task-parts.ts'
import type { TaskPlacement } from './task-parts.ts'

/** The key of a mapped task's list step. */
export function itemsTaskKey(id: string): string {
  return `${toTaskKey(id)}_ITEMS`
}

/** The key of the nested task of a mapped task's `for_each_task`. */
export function itemTaskKey(id: string): string {
  return `${toTaskKey(id)}_ITEM`
}

/** The list step and the `for_each_task` of a mapped task. */
export function mappedJobTasks(pipeline: Pipeline, task: Task, where: TaskPlacement): Record<string, unknown>[] {
  const command = renderRemoteCommand(pipeline, task, where.layout)
  const list = inWorkspace([...command, '--list-items', '--max-items', String(DATABRICKS_MAX_ITEMS)], where.workspacePath)
  const itemsTask = {
    task_key: itemsTaskKey(task.id),
    description: `Lists the items of '${task.id}' (weir execute --list-items).`,
    ...dependencies(task),
    // Reading the list only touches storage: retried like the task, never timed out by the item timeout.
    ...(task.retry.maxRetries > 0 && { max_retries: task.retry.maxRetries, min_retry_interval_millis: task.retry.delayMs }),
    // A notebook task on serverless compute has no environment: the notebook installs Node's wheel itself.
    ...(where.classic ? { job_cluster_key: COMPUTE_KEY, libraries: pipLibraries(where.config).map((p) => ({ pypi: { package: p } })) } : {}),
    notebook_task: {
      notebook_path: where.itemsNotebookPath,
      base_parameters: {
        ...Object.fromEntries(list.map((arg, i) => [argParameter(i), arg])),
        ...(!where.classic && { [NODE_PACKAGE_PARAMETER]: where.config.node_package ?? DATABRICKS_DEFAULTS.node_package }),
      },
    },
  }
  const forEachTask = {
    task_key: toTaskKey(task.id),
    ...(task.description !== undefined && { description: task.description }),
    depends_on: [{ task_key: itemsTaskKey(task.id) }],
    run_if: 'ALL_SUCCESS',
    for_each_task: {
      inputs: `{{tasks.${itemsTaskKey(task.id)}.values.${INDEXES_VALUE}}}`,
      concurrency: task.foreach!.concurrency ?? DEFAULT_FOR_EACH_CONCURRENCY,
      task: {
        task_key: itemTaskKey(task.id),
        ...retriesAndTimeout(task),
        // One argument: an index of -1 (the failed-list iteration) must not read as an option.
        ...launcherTask([...command, '--item-index={{input}}'], where),
      },
    },
  }
  return [itemsTask, forEachTask]
}
