/** The read-only API: pipelines, one pipeline, the run list, one run, a task's log and output. */
import type { RunSummary } from '../../runtime/run-store/records.ts'
import { isRunId, loadRun } from '../../runtime/run-store/read-runs.ts'
import type { RunRecord } from '../../runtime/run-store/records.ts'
import { previewSchedules } from '../../runtime/schedule/preview.ts'
import type { UiPipeline, UiPipelineDetail, UiRun, UiRunPage, UiRunSummary } from '../api-types.ts'
import type { UiContext } from './context.ts'
import { HttpProblem } from './http-io.ts'
import { toUiParam } from './params-view.ts'
import { graphOf, toUiRun } from './run-view.ts'

const NEXT_FIRES = 3
const MAX_PAGE_SIZE = 500

export function toUiSummary(r: RunSummary): UiRunSummary {
  return {
    runId: r.runId,
    pipeline: r.pipeline,
    status: r.status,
    trigger: r.trigger,
    startedAt: r.startedAt,
    ...(r.durationMs !== undefined && { durationMs: r.durationMs }),
    ...(r.resumedFrom !== undefined && { resumedFrom: r.resumedFrom }),
    taskCounts: r.taskCounts,
  }
}

/** GET /api/pipelines. */
export async function listPipelines(ctx: UiContext): Promise<UiPipeline[]> {
  const [entries, runs] = await Promise.all([ctx.specs.list(), ctx.runs.all()])
  const lastRun = new Map<string, RunSummary>()
  for (const r of runs) if (!lastRun.has(r.pipeline)) lastRun.set(r.pipeline, r)
  const previews = await previewSchedules(entries.flatMap((e) => e.pipeline ?? []), new Date(), NEXT_FIRES)
  const previewOf = new Map(previews.map((p) => [p.path, p]))
  return entries.map((e) => {
    const p = e.pipeline
    const preview = p ? previewOf.get(p.sourcePath) : undefined
    const last = p ? lastRun.get(p.name) : undefined
    return {
      path: e.shownPath,
      valid: e.valid,
      diagnostics: e.diagnostics.map((d) => ({ severity: d.severity, code: d.code, message: d.message, line: d.line, column: d.column })),
      ...(p && { name: p.name, taskCount: p.order.length }),
      ...(p?.description !== undefined && { description: p.description }),
      ...(last && { lastRun: toUiSummary(last) }),
      ...(preview && {
        schedule: { cron: preview.schedule.cron, timezone: preview.schedule.timezone, description: preview.description, paused: preview.schedule.paused, fires: preview.fires.map((f) => f.local) },
      }),
    }
  })
}

/** GET /api/pipelines/:name. */
export async function showPipeline(ctx: UiContext, name: string): Promise<UiPipelineDetail> {
  const pipeline = await ctx.specs.find(name)
  if (!pipeline) throw new HttpProblem(404, `No valid spec of pipeline '${name}'.`)
  const entry = (await ctx.specs.list()).find((e) => e.pipeline === pipeline)
  return {
    name: pipeline.name,
    path: entry?.shownPath ?? pipeline.sourcePath,
    params: Object.values(pipeline.params).map((decl) => toUiParam(pipeline, decl)),
    graph: graphOf(pipeline),
  }
}

function positiveInt(text: string | null, fallback: number, max: number, name: string): number {
  if (text === null || text === '') return fallback
  const n = Number(text)
  if (!Number.isInteger(n) || n < 1) throw new HttpProblem(400, `'${name}' must be a whole number of 1 or more.`)
  return Math.min(n, max)
}

/** GET /api/runs?pipeline=&status=&trigger=&page=&pageSize=. */
export async function listRunPage(ctx: UiContext, query: URLSearchParams): Promise<UiRunPage> {
  const page = positiveInt(query.get('page'), 1, Number.MAX_SAFE_INTEGER, 'page')
  const pageSize = positiveInt(query.get('pageSize'), 50, MAX_PAGE_SIZE, 'pageSize')
  const filter = (name: string): string | undefined => query.get(name) || undefined
  const [matching, all] = await Promise.all([
    ctx.runs.query({ ...(filter('pipeline') && { pipeline: filter('pipeline') }), ...(filter('status') && { status: filter('status') }), ...(filter('trigger') && { trigger: filter('trigger') }) }),
    ctx.runs.all(),
  ])
  const start = (page - 1) * pageSize
  return {
    runs: matching.slice(start, start + pageSize).map(toUiSummary),
    total: matching.length,
    page,
    pageSize,
    pipelines: [...new Set(all.map((r) => r.pipeline))].sort(),
  }
}

/** The run a path names, or a 404. */
export async function findRun(ctx: UiContext, runId: string): Promise<RunRecord> {
  const run = isRunId(runId) ? await loadRun(ctx.stateDir, runId) : undefined
  if (!run) throw new HttpProblem(404, `No run '${runId}' in the store.`)
  return run
}

/** The page's view of a run, with the current spec of its pipeline when there is one. */
export async function viewRun(ctx: UiContext, run: RunRecord): Promise<UiRun> {
  return toUiRun(run, await ctx.specs.find(run.pipeline))
}

/** The task a path names, which must be a task of the run (so no other file name can be formed). */
export function checkTask(run: RunRecord, taskId: string): string {
  if (!Object.hasOwn(run.tasks, taskId)) throw new HttpProblem(404, `Run ${run.runId} has no task '${taskId}'.`)
  return taskId
}
