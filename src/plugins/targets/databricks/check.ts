/** What a Databricks job cannot express for a pipeline (see docs/remote.md, "What cannot be expressed"). */
import type { Pipeline, Task } from '../../../spec/model.ts'
import type { TargetFinding } from '../../types.ts'
import { checkMappedTasks, countMappedTasks } from '../mapped-tasks.ts'
import { DATABRICKS_MAX_ITEMS, MAX_FOR_EACH_CONCURRENCY } from './map-limits.ts'
import { cronToQuartz } from '../cron-to-quartz.ts'
import { ARGO_ONLY, checkCatchup, checkDaylightSaving, checkForeignPlaceholders, checkHandlerPaths, checkOutputsReachable, checkStorage, groupRetryWarnings, type RetryLoss } from '../shared-checks.ts'
import { DATABRICKS_DEFAULTS, type DatabricksConfig } from './config.ts'
import { checkEngineNames } from '../name-collisions.ts'
import { DATABRICKS_VALUE_HAZARDS, checkParamValues, checkSecretValues } from '../param-hazards.ts'
import type { CommandText } from '../command-hazards.ts'
import { checkCommandTexts, specPathText } from '../command-hazards.ts'
import { refuseTaskKey, toTaskKey } from './task-keys.ts'

/** Jobs API limit on tasks per job (write endpoints). */
export const DATABRICKS_MAX_TASKS = 1000

export function checkDatabricks(pipeline: Pipeline, config: DatabricksConfig): TargetFinding[] {
  const findings: TargetFinding[] = []
  const error = (pointer: string, message: string) => findings.push({ severity: 'error', code: 'TARGET_UNSUPPORTED', pointer, message })
  const warn = (pointer: string, message: string) => findings.push({ severity: 'warning', code: 'TARGET_UNSUPPORTED', pointer, message })
  if (pipeline.schedule) {
    const quartz = cronToQuartz(pipeline.schedule.cron)
    if (!quartz.ok) error('/schedule/cron', `${quartz.message.replace(/\.$/, '')} (Databricks schedules take Quartz cron).`)
    if (Object.keys(pipeline.schedule.params).length > 0)
      warn('/schedule/params', 'Databricks jobs have one set of parameter defaults, so the schedule params become the defaults of manual runs too.')
  }
  // Each mapped task is two tasks of the job: its list step and its for_each_task.
  const jobTasks = pipeline.tasks.size + countMappedTasks(pipeline)
  if (jobTasks > DATABRICKS_MAX_TASKS)
    error('/tasks', `The pipeline has ${pipeline.tasks.size} tasks${jobTasks > pipeline.tasks.size ? ` (${jobTasks} in the job: a mapped task adds its list step)` : ''}; a Databricks job holds at most ${DATABRICKS_MAX_TASKS}, so split it.`)
  findings.push(...checkEngineNames(pipeline, { what: 'Databricks task_key', nameOf: toTaskKey, refuse: refuseTaskKey }))
  findings.push(...checkParamValues(pipeline, DATABRICKS_VALUE_HAZARDS, 'warning', 'Databricks'))
  findings.push(...checkCommandTexts(databricksCommandTexts(pipeline, config), DATABRICKS_VALUE_HAZARDS, 'warning', 'Databricks'))
  findings.push(...checkSecretValues(pipeline, 'Databricks', 'a Databricks secret scope'))
  findings.push(...groupRetryWarnings(pipeline, lostRetryFeatures, 'Databricks', 'Databricks cannot express: it retries after a fixed min_retry_interval_millis (the first retry delay)'))
  findings.push(...checkForeignPlaceholders(pipeline, 'Databricks', config.command, ARGO_ONLY), ...checkDaylightSaving(pipeline, 'Databricks'), ...checkCatchup(pipeline, 'Databricks'), ...checkOutputsReachable(pipeline, 'databricks', config.storage !== undefined), ...checkStorage('databricks', 'Databricks', config.storage))
  findings.push(...checkHandlerPaths(pipeline, 'Databricks', { path: config.project_path ?? DATABRICKS_DEFAULTS.project_path, setting: 'targets.databricks.project_path' }))
  findings.push(...checkMappedTasks(pipeline, { engine: 'Databricks', maxConcurrency: MAX_FOR_EACH_CONCURRENCY, maxItems: DATABRICKS_MAX_ITEMS, itemsReason: 'its index list travels as a task value of at most 48 KiB' }))
  return findings
}

/**
 * What a task's parameters carry as written: the spec's path, and the settings that make up the CLI
 * and the paths. A bundle reference in those settings is meant (project_path defaults to one).
 */
function databricksCommandTexts(pipeline: Pipeline, config: DatabricksConfig): CommandText[] {
  const bundleReference = DATABRICKS_VALUE_HAZARDS.filter((h) => h.token !== "'{{'")
  const setting = (key: 'project_path' | 'cli' | 'storage'): CommandText[] => {
    const text = config[key]
    return text === undefined ? [] : [{ where: `targets.databricks.${key}`, pointer: `/targets/databricks/${key}`, text, fix: `change '${key}'`, expected: bundleReference }]
  }
  return [specPathText(pipeline), ...setting('project_path'), ...setting('cli'), ...setting('storage')]
}

/** Exponential backoff (from the second retry on) and jitter: Databricks only has a fixed minimum interval. */
function lostRetryFeatures(task: Task): RetryLoss[] {
  const r = task.retry
  const lost: RetryLoss[] = []
  if (r.maxRetries > 1 && r.backoff === 'exponential' && r.factor !== 1) lost.push({ what: 'exponential backoff', setting: 'backoff: fixed' })
  if (r.maxRetries > 0 && r.jitter === 'full') lost.push({ what: 'jitter', setting: 'jitter: none' })
  return lost
}
