/**
 * Pipeline → Argo Workflows objects: a WorkflowTemplate whose entry template is a `dag` with one
 * task per weir task, and a CronWorkflow around the same workflow spec when the pipeline has a
 * schedule. IntOrString fields are written as strings (the published schema types them so).
 */
import type { Pipeline, RetryPolicy, Task } from '../../../spec/model.ts'
import { TRIGGER_RULE_TABLE } from '../../../spec/trigger-rules.ts'
import type { ArgoUpstream } from '../../../spec/trigger-rules.ts'
import { renderRemoteCommand } from '../remote-command.ts'
import type { RemoteLayout } from '../remote-command.ts'
import { ARGO_DEFAULTS } from './config.ts'
import type { ArgoConfig } from './config.ts'
import { toDagTaskNames, toObjectName } from './names.ts'
import { toParamText } from '../param-hazards.ts'
import { mappedTask } from './map-templates.ts'
import { toArgoSchedule } from './schedule.ts'
import { TargetError } from '../target-error.ts'
import { engineDeadlineSeconds } from '../engine-deadline.ts'
import type { ContainerExtras } from './map-templates.ts'

export const API_VERSION = 'argoproj.io/v1alpha1'
/** `weir execute` exit codes no retry can fix: 2 usage / invalid spec, 3 non-recoverable. */
export const RETRY_EXPRESSION = 'lastRetry.exitCode != "2" && lastRetry.exitCode != "3"'

type Obj = Record<string, unknown>

/** A CronWorkflow's run: `{{workflow.scheduledTime}}` is its fire time, RFC 3339 in the schedule's timezone. */
export const CRON_RUN = { trigger: 'schedule', scheduledAt: '{{workflow.scheduledTime}}' } as const

export interface ArgoObjects {
  readonly workflowTemplate: Obj
  readonly cronWorkflow?: Obj
}

/** How the template variables read on Argo. */
export function argoLayout(config: ArgoConfig): RemoteLayout {
  const projectPath = config.projectPath ?? ARGO_DEFAULTS.projectPath
  return {
    cli: config.cli ?? ['node', `${projectPath.replace(/\/+$/, '')}/node_modules/weir-pipelines/bin/weir.js`],
    projectPath,
    runId: '{{workflow.uid}}',
    param: (name) => `{{workflow.parameters.${name}}}`,
    // Container templates are shared between tasks; each DAG task passes its weir id in.
    task: () => '{{inputs.parameters.task}}',
    ...(config.storage !== undefined && { storage: config.storage }),
    ...(config.command !== undefined && { command: config.command }),
  }
}

export function buildArgoObjects(pipeline: Pipeline, config: ArgoConfig): ArgoObjects {
  const name = toObjectName(pipeline.name)
  const metadata = {
    name,
    ...(config.namespace !== undefined && { namespace: config.namespace }),
    labels: { 'weir.dev/pipeline': name },
    ...(pipeline.description !== undefined && { annotations: { 'weir.dev/description': pipeline.description } }),
  }
  const spec = workflowSpec(pipeline, config, defaultParams(pipeline), argoLayout(config))
  // A Workflow is created once per run, so Kubernetes names each one (`generateName`).
  const workflowTemplate =
    config.kind === 'Workflow'
      ? { apiVersion: API_VERSION, kind: 'Workflow', metadata: { ...withoutName(metadata), generateName: `${name}-` }, spec }
      : { apiVersion: API_VERSION, kind: 'WorkflowTemplate', metadata, spec }
  const s = pipeline.schedule
  if (!s) return { workflowTemplate }
  const schedule = toArgoSchedule(s.cron)
  if (!schedule.ok) throw new TargetError('/schedule/cron', schedule.message)
  const scheduledParams = { ...defaultParams(pipeline), ...stringify(pipeline, s.params) }
  const cronWorkflow = {
    apiVersion: API_VERSION,
    kind: 'CronWorkflow',
    metadata,
    spec: {
      schedules: [schedule.schedule],
      timezone: s.timezone,
      // Argo cannot queue a fire; `queue` degrades to `Forbid` (see check.ts).
      concurrencyPolicy: s.overlap === 'allow' ? 'Allow' : 'Forbid',
      startingDeadlineSeconds: s.catchup === 'none' ? 0 : (config.startingDeadlineSeconds ?? ARGO_DEFAULTS.startingDeadlineSeconds),
      ...(s.paused && { suspend: true }),
      // Only a CronWorkflow's workflows have a scheduled time; one from the template is a manual run.
      workflowSpec: workflowSpec(pipeline, config, scheduledParams, { ...argoLayout(config), run: CRON_RUN }),
    },
  }
  return { workflowTemplate, cronWorkflow }
}

function workflowSpec(pipeline: Pipeline, config: ArgoConfig, params: Record<string, string | undefined>, layout: RemoteLayout): Obj {
  const names = toDagTaskNames(pipeline.order)
  const groups = new Map<string, { template: Obj; ids: string[] }>()
  const mapped = pipeline.order.filter((id) => pipeline.tasks.get(id)!.foreach !== undefined)
  for (const id of pipeline.order) {
    if (pipeline.tasks.get(id)!.foreach !== undefined) continue
    const template = containerTemplate(pipeline, pipeline.tasks.get(id)!, config, layout)
    const key = JSON.stringify(template)
    const group = groups.get(key)
    if (group) group.ids.push(id)
    else groups.set(key, { template, ids: [id] })
  }
  // A template one task uses is named after it; shared ones are `run-task`, `run-task-2`, …
  const templateOf = new Map<string, string>()
  const templates: Obj[] = []
  let shared = 0
  for (const { template, ids } of groups.values()) {
    const name = ids.length === 1 ? `task-${names.get(ids[0]!)!}` : shared++ === 0 ? 'run-task' : `run-task-${shared}`
    for (const id of ids) templateOf.set(id, name)
    templates.push({ name, ...template })
  }
  const dependsOf = (task: Task) =>
    task.upstream.length > 0 ? { depends: TRIGGER_RULE_TABLE[task.trigger].argoDepends(task.upstream.map((u) => upstreamOf(pipeline, u, names))) } : {}
  const maps = new Map(mapped.map((id) => [id, mappedTask(pipeline.tasks.get(id)!, names.get(id)!, dependsOf(pipeline.tasks.get(id)!), (extra) => containerTemplate(pipeline, pipeline.tasks.get(id)!, config, layout, extra))]))
  for (const m of maps.values()) templates.push(...m.templates)
  const dagTasks = pipeline.order.flatMap((id) => {
    const task = pipeline.tasks.get(id)!
    const map = maps.get(id)
    if (map) return map.dagTasks
    return [{ name: names.get(id)!, template: templateOf.get(id)!, arguments: { parameters: [{ name: 'task', value: id }] }, ...dependsOf(task) }]
  })
  const verdict = needsVerdict(pipeline) ? verdictOf(dagTasks) : undefined
  return {
    entrypoint: 'main',
    ...(config.serviceAccountName !== undefined && { serviceAccountName: config.serviceAccountName }),
    ...(config.parallelism !== undefined && { parallelism: config.parallelism }),
    ...(Object.keys(params).length > 0 && {
      arguments: { parameters: Object.entries(params).map(([name, value]) => (value === undefined ? { name } : { name, value })) },
    }),
    templates: [
      // failFast: false keeps independent branches running after a failure, as weir and Databricks do.
      { name: 'main', dag: { failFast: false, tasks: verdict ? [...dagTasks, verdict.dagTask] : dagTasks } },
      ...templates,
      ...(verdict ? [verdict.template] : []),
    ],
  }
}

/**
 * The DAG task that makes the workflow fail when any task failed, as a weir run does. Argo judges a
 * DAG by its leaf tasks only (controller/dag.go, assessDAGPhase): a leaf that ran after a failure
 * (`alert`, `one_failed` after a failed `extract`) and succeeded makes the workflow Succeeded. This
 * task depends on every other, so it is the one leaf: with no task Failed or Errored it runs a
 * suspend of zero seconds (no pod) and succeeds; otherwise it is Omitted, and an Omitted leaf takes
 * the phase of the branch it is reached from, Failed from the failed task, so the workflow fails.
 * The name cannot be a task's (names.ts: after its last `--`, a task name has digits or `h<hex>`).
 */
export const VERDICT_TASK = 'weir--verdict'
const VERDICT_TEMPLATE = 'weir-verdict'

function verdictOf(dagTasks: readonly Obj[]): { dagTask: Obj; template: Obj } {
  const failed = dagTasks.map((t) => `${String(t.name)}.Failed || ${String(t.name)}.Errored`).join(' || ')
  return { dagTask: { name: VERDICT_TASK, template: VERDICT_TEMPLATE, depends: `!(${failed})` }, template: { name: VERDICT_TEMPLATE, suspend: { duration: '0' } } }
}

/**
 * Only a task that runs after a failed or skipped upstream task (a trigger other than `all_success`)
 * can end a branch in success after a failure; with none, a failure leaves its downstream leaves
 * Omitted, which Argo counts as failed, and the verdict would change nothing.
 */
export function needsVerdict(pipeline: Pipeline): boolean {
  return [...pipeline.tasks.values()].some((t) => t.upstream.length > 0 && t.trigger !== 'all_success')
}

/** The container template of a task (without its name, so equal ones can be shared); `extra` for a map's steps. */
function containerTemplate(pipeline: Pipeline, task: Task, config: ArgoConfig, layout: RemoteLayout, extra: ContainerExtras = {}): Obj {
  const retryStrategy = retryStrategyOf(task.retry)
  const timeout = extra.withTimeout ?? true
  return {
    inputs: { parameters: [{ name: 'task' }, ...(extra.inputs ?? []).map((name) => ({ name }))] },
    ...(extra.outputs && { outputs: extra.outputs }),
    ...(retryStrategy && { retryStrategy }),
    ...(timeout && task.timeoutMs !== undefined && { activeDeadlineSeconds: String(engineDeadlineSeconds(task.timeoutMs)) }),
    ...(config.nodeSelector !== undefined && { nodeSelector: config.nodeSelector }),
    container: {
      image: config.image,
      ...(config.imagePullPolicy !== undefined && { imagePullPolicy: config.imagePullPolicy }),
      command: [...renderRemoteCommand(pipeline, task, layout), ...(extra.args ?? [])],
      workingDir: layout.projectPath,
      ...(extra.env && { env: extra.env }),
      ...(config.resources !== undefined && { resources: config.resources }),
    },
  }
}

/** retryStrategy: `Always` also retries pod errors (evictions), the expression stops on non-recoverable exits. */
export function retryStrategyOf(retry: RetryPolicy): Obj | undefined {
  if (retry.maxRetries === 0) return undefined
  const exponential = retry.backoff === 'exponential' && retry.factor !== 1
  return {
    limit: String(retry.maxRetries),
    retryPolicy: 'Always',
    expression: RETRY_EXPRESSION,
    backoff: {
      duration: goDuration(retry.delayMs),
      ...(exponential && { factor: String(Math.max(1, Math.round(retry.factor))), cap: goDuration(retry.maxDelayMs) }),
    },
  }
}

/** Milliseconds as a Go duration string (`30s`, `250ms`). */
export function goDuration(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`
}

/**
 * An upstream with the names whose `Omitted`, together, mean it was excluded: a failure handler
 * is excluded whenever it is Omitted; another task only when all its upstream tasks were excluded.
 */
function upstreamOf(pipeline: Pipeline, id: string, names: ReadonlyMap<string, string>): ArgoUpstream {
  const excludedWhen = exclusionNames(pipeline, id, names, new Map())
  return { name: names.get(id)!, ...(excludedWhen && { excludedWhen }) }
}

function exclusionNames(pipeline: Pipeline, id: string, names: ReadonlyMap<string, string>, memo: Map<string, string[] | undefined>): string[] | undefined {
  if (memo.has(id)) return memo.get(id)
  const task = pipeline.tasks.get(id)!
  let result: string[] | undefined
  if (task.upstream.length === 0) result = undefined
  else if (TRIGGER_RULE_TABLE[task.trigger].isFailureHandler) result = [names.get(id)!]
  else {
    const parts = task.upstream.map((u) => exclusionNames(pipeline, u, names, memo))
    result = parts.every((p) => p !== undefined) ? [...new Set([names.get(id)!, ...parts.flat()])] : undefined
  }
  memo.set(id, result)
  return result
}

/** Param defaults as workflow parameter values (strings; JSON for non-strings); undefined: none. */
function defaultParams(pipeline: Pipeline): Record<string, string | undefined> {
  return Object.fromEntries(Object.values(pipeline.params).map((p) => [p.name, p.hasDefault ? toParamText(pipeline, p.name, p.default) : undefined]))
}

function stringify(pipeline: Pipeline, values: Readonly<Record<string, unknown>>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, toParamText(pipeline, k, v)]))
}

function withoutName<T extends { name: string }>(metadata: T): Omit<T, 'name'> {
  const { name: _name, ...rest } = metadata
  return rest
}
