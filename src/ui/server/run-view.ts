/**
 * A run as the page sees it: the replayed record, its graph (from the pipeline's spec when one is
 * found, else its tasks without edges), params redacted again with the spec (defence in depth: the
 * store already records secrets as `[redacted]`), and what this server may do with it.
 */
import { hostname } from 'node:os'
import type { Pipeline } from '../../spec/model.ts'
import type { RunRecord, TaskRecord } from '../../runtime/run-store/records.ts'
import { isSecretParam, redactParams, REDACTED } from '../../runtime/params.ts'
import type { UiEdge, UiGraph, UiParam, UiRun, UiTask } from '../api-types.ts'
import { toUiParam } from './params-view.ts'
import { countItemRecords, formatItemCounts } from '../../runtime/map/derive-status.ts'
import { failedItemLines } from '../../runtime/map/failed-items.ts'

/** The graph of a pipeline: its tasks in order, one edge per upstream pair (data wins over needs). */
export function graphOf(pipeline: Pipeline): UiGraph {
  const edges: UiEdge[] = []
  for (const id of pipeline.order) {
    const task = pipeline.tasks.get(id)
    if (!task) continue
    const byFrom = new Map<string, UiEdge>()
    for (const e of task.edges) {
      const kept = byFrom.get(e.from)
      if (!kept || (kept.kind === 'needs' && e.kind !== 'needs')) byFrom.set(e.from, { from: e.from, to: id, kind: e.kind })
    }
    edges.push(...byFrom.values())
  }
  return { tasks: pipeline.order, edges }
}

function toUiTask(t: TaskRecord): UiTask {
  return {
    id: t.id,
    status: t.status,
    attempts: t.attempts.map((a) => ({
      attempt: a.attempt,
      status: a.status,
      startedAt: a.startedAt,
      ...(a.finishedAt !== undefined && { finishedAt: a.finishedAt }),
      ...(a.error && { error: a.error }),
      ...(a.retryDelayMs !== undefined && { retryDelayMs: a.retryDelayMs }),
    })),
    ...(t.startedAt !== undefined && { startedAt: t.startedAt }),
    ...(t.finishedAt !== undefined && { finishedAt: t.finishedAt }),
    ...(t.error && { error: t.error }),
    ...(t.skipReason !== undefined && { skipReason: t.skipReason }),
    ...(t.reusedFrom !== undefined && { reusedFrom: t.reusedFrom }),
    ...(t.cachedFrom !== undefined && { cachedFrom: t.cachedFrom.runId }),
    // Counts, not the items: a 10,000-item map stays a small response.
    ...(t.items && { items: { counts: formatItemCounts(countItemRecords(t.items)), failed: failedItemLines(t.items) } }),
    ...(t.values && { values: t.values }),
    ...(t.output && { output: { uri: t.output.uri, format: t.output.format, io: t.output.io, ...(t.output.sizeBytes !== undefined && { sizeBytes: t.output.sizeBytes }) } }),
  }
}

/** Builds the page's view of a run; `pipeline` is the current spec of the run's pipeline, if found. */
export function toUiRun(run: RunRecord, pipeline: Pipeline | undefined): UiRun {
  const sameHost = run.host === hostname()
  const graph: UiGraph = pipeline ? mergeGraph(graphOf(pipeline), run.taskOrder) : { tasks: run.taskOrder, edges: [] }
  const params = pipeline ? redactParams(pipeline, run.params) : run.params
  const resumeParams: UiParam[] = pipeline
    ? Object.values(pipeline.params)
        .filter((decl) => isSecretParam(pipeline, decl) && Object.hasOwn(run.params, decl.name) && JSON.stringify(run.params[decl.name]).includes(JSON.stringify(REDACTED)))
        .map((decl) => toUiParam(pipeline, decl))
    : []
  return {
    runId: run.runId,
    pipeline: run.pipeline,
    status: run.status,
    trigger: run.trigger,
    startedAt: run.startedAt,
    ...(run.finishedAt !== undefined && { finishedAt: run.finishedAt }),
    ...(run.scheduledAt !== undefined && { scheduledAt: run.scheduledAt }),
    ...(run.resumedFrom !== undefined && { resumedFrom: run.resumedFrom }),
    params,
    host: run.host,
    pid: run.pid,
    tasks: graph.tasks.map((id) => run.tasks[id] ?? ({ id, status: 'pending', attempts: [] } satisfies TaskRecord)).map(toUiTask),
    graph,
    canCancel: run.status === 'running' && sameHost,
    canResume: pipeline !== undefined && run.status !== 'running' && run.status !== 'succeeded',
    resumeParams,
  }
}

/** The spec's graph restricted to the run's tasks, plus run tasks the spec no longer has. */
function mergeGraph(spec: UiGraph, runTasks: readonly string[]): UiGraph {
  const inRun = new Set(runTasks)
  const tasks = [...runTasks]
  const edges = spec.edges.filter((e) => inRun.has(e.from) && inRun.has(e.to))
  return { tasks, edges }
}
