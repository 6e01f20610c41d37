/** What Argo Workflows cannot express for a pipeline (see docs/remote.md, "What cannot be expressed"). */
import type { Pipeline, Task } from '../../../spec/model.ts'
import type { TargetFinding } from '../../types.ts'
import { checkMappedTasks, countMappedTasks } from '../mapped-tasks.ts'
import { DATABRICKS_ONLY, checkCatchup, checkDaylightSaving, checkForeignPlaceholders, checkHandlerPaths, checkOutputsReachable, checkStorage, groupRetryWarnings, type RetryLoss } from '../shared-checks.ts'
import { ARGO_DEFAULTS, type ArgoConfig } from './config.ts'
import { checkEngineNames } from '../name-collisions.ts'
import { ARGO_VALUE_HAZARDS, checkParamValues, checkSecretValues } from '../param-hazards.ts'
import type { CommandText } from '../command-hazards.ts'
import { checkCommandTexts, specPathText } from '../command-hazards.ts'
import { toArgoSchedule } from './schedule.ts'
import { needsVerdict, VERDICT_TASK } from './workflow.ts'
import { EXPR_KEYWORDS, MAX_CRON_WORKFLOW_NAME_LENGTH, MAX_OBJECT_NAME_LENGTH, MAX_TASK_NAME_LENGTH, toDagTaskName, toObjectName } from './names.ts'

/** The Workflow CRD allows at most 200 DAG tasks (and 200 templates). */
export const ARGO_MAX_TASKS = 200

export function checkArgo(pipeline: Pipeline, config: ArgoConfig): TargetFinding[] {
  const findings: TargetFinding[] = []
  const error = (pointer: string, message: string) => findings.push({ severity: 'error', code: 'TARGET_UNSUPPORTED', pointer, message })
  const warn = (pointer: string, message: string) => findings.push({ severity: 'warning', code: 'TARGET_UNSUPPORTED', pointer, message })
  const s = pipeline.schedule
  if (s) {
    const schedule = toArgoSchedule(s.cron)
    if (!schedule.ok) error('/schedule/cron', schedule.message)
    if (s.overlap === 'queue')
      warn('/schedule/overlap', "'overlap: queue' cannot be expressed on Argo, which can only drop (Forbid) or allow an overlapping fire; it becomes 'Forbid', so an overlapping fire is skipped.")
  }
  // Each mapped task is two DAG tasks: its list step and its map; the verdict (workflow.ts) is one more.
  const mapped = countMappedTasks(pipeline)
  const dagTasks = pipeline.tasks.size + mapped + (needsVerdict(pipeline) ? 1 : 0)
  if (dagTasks > ARGO_MAX_TASKS) {
    const added = [...(mapped > 0 ? ['a mapped task adds its list step'] : []), ...(needsVerdict(pipeline) ? [`'${VERDICT_TASK}' fails the workflow when a task failed`] : [])]
    error('/tasks', `The pipeline has ${pipeline.tasks.size} tasks${dagTasks > pipeline.tasks.size ? ` (${dagTasks} in the DAG: ${added.join(', ')})` : ''}; an Argo DAG holds at most ${ARGO_MAX_TASKS}, so split it.`)
  }
  const objectName = toObjectName(pipeline.name)
  if (objectName.length > MAX_OBJECT_NAME_LENGTH)
    error('/name', `Pipeline name '${pipeline.name}' becomes the Argo object name '${objectName}', which is ${objectName.length} characters long (Kubernetes takes at most ${MAX_OBJECT_NAME_LENGTH}); shorten the name or drop its double or trailing underscores.`)
  else if (s && objectName.length > MAX_CRON_WORKFLOW_NAME_LENGTH)
    error('/name', `Pipeline name '${pipeline.name}' becomes the name of its Argo CronWorkflow, '${objectName}', which is ${objectName.length} characters long (Argo takes at most ${MAX_CRON_WORKFLOW_NAME_LENGTH} for a CronWorkflow, since the workflows it starts add a timestamp); shorten the pipeline name to ${MAX_CRON_WORKFLOW_NAME_LENGTH - (objectName.length - pipeline.name.length)} characters or fewer.`)
  findings.push(...checkEngineNames(pipeline, { what: 'Argo DAG task name', nameOf: toDagTaskName, refuse: refuseDagTaskName }))
  findings.push(...checkParamValues(pipeline, ARGO_VALUE_HAZARDS, 'error', 'Argo'))
  findings.push(...checkCommandTexts(argoCommandTexts(pipeline, config), ARGO_VALUE_HAZARDS, 'error', 'Argo'))
  findings.push(...checkSecretValues(pipeline, 'Argo', 'a Kubernetes Secret'))
  findings.push(...groupRetryWarnings(pipeline, lostRetryFeatures, 'Argo', "Argo's retryStrategy cannot express"))
  findings.push(...checkForeignPlaceholders(pipeline, 'Argo', config.command, DATABRICKS_ONLY), ...checkDaylightSaving(pipeline, 'Argo'), ...checkCatchup(pipeline, 'Argo'), ...checkOutputsReachable(pipeline, 'argo', config.storage !== undefined), ...checkStorage('argo', 'Argo', config.storage))
  findings.push(...checkHandlerPaths(pipeline, 'Argo', { path: config.projectPath ?? ARGO_DEFAULTS.projectPath, setting: 'targets.argo.projectPath' }))
  // Argo has no cap of its own on a map's parallelism or items (the index list is an output parameter in the workflow's status).
  findings.push(...checkMappedTasks(pipeline, { engine: 'Argo' }))
  return findings
}

/** What the container command carries as written: the spec's path, and the settings that make up the CLI and the paths. */
function argoCommandTexts(pipeline: Pipeline, config: ArgoConfig): CommandText[] {
  const setting = (key: string, text: string, pointer = `/targets/argo/${key}`): CommandText => ({ where: `targets.argo.${key}`, pointer, text, fix: `change '${key}'` })
  return [
    specPathText(pipeline),
    ...(config.projectPath !== undefined ? [setting('projectPath', config.projectPath)] : []),
    ...(config.storage !== undefined ? [setting('storage', config.storage)] : []),
    ...(config.cli ?? []).map((arg, i) => setting('cli', arg, `/targets/argo/cli/${i}`)),
  ]
}

const DAG_TASK_NAME = /^[a-z]([-a-z0-9]*[a-z0-9])?$/

/** What Argo would refuse, or misread in `depends` (see names.ts). */
function refuseDagTaskName(name: string): string | undefined {
  if (!DAG_TASK_NAME.test(name)) return "Argo cannot use (a DAG task name takes lowercase letters, digits and '-', starting with a letter)"
  if (name.length > MAX_TASK_NAME_LENGTH) return `is ${name.length} characters long (Argo takes at most ${MAX_TASK_NAME_LENGTH} here)`
  if (EXPR_KEYWORDS.has(name.replaceAll('-', '_'))) return "Argo's depends expressions read as a keyword"
  return undefined
}

function lostRetryFeatures(task: Task): RetryLoss[] {
  const r = task.retry
  if (r.maxRetries === 0) return []
  const lost: RetryLoss[] = []
  if (r.jitter === 'full') lost.push({ what: 'jitter (Argo waits exactly the backoff delay)', setting: 'jitter: none' })
  const factor = Math.max(1, Math.round(r.factor))
  if (r.backoff === 'exponential' && !Number.isInteger(r.factor)) lost.push({ what: `a non-integer backoff factor ${r.factor} (Argo uses ${factor})`, setting: `factor: ${factor}` })
  return lost
}
