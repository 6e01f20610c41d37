/**
 * The page's actions: start a run (params checked here first, so the form can show the param at
 * fault), resume one, cancel one. Cancel signals the `weir run` process that owns the run with
 * SIGINT, exactly as Ctrl-C does (graceful: running tasks are aborted and given their grace period),
 * and only on the host that owns it: a pid means nothing on another machine.
 */
import { hostname } from 'node:os'
import type { RunRecord } from '../../runtime/run-store/records.ts'
import type { Pipeline } from '../../spec/model.ts'
import { checkParamNesting, resolveParams } from '../../runtime/params.ts'
import type { UiStarted } from '../api-types.ts'
import type { UiContext } from './context.ts'
import { HttpProblem } from './http-io.ts'
import { launchRun } from './launch-run.ts'

function paramsOf(body: Record<string, unknown>): Record<string, unknown> {
  const params = body.params ?? {}
  if (typeof params !== 'object' || params === null || Array.isArray(params)) throw new HttpProblem(400, "'params' must be an object of param values.")
  return params as Record<string, unknown>
}

/** POST /api/runs `{pipeline, params}`. */
export async function startRun(ctx: UiContext, body: Record<string, unknown>): Promise<UiStarted> {
  if (typeof body.pipeline !== 'string') throw new HttpProblem(400, "Name the pipeline to run ('pipeline').")
  const pipeline = await currentPipeline(ctx, body.pipeline, '')
  const params = paramsOf(body)
  await refuseBadParams(() => resolveParams(pipeline, params))
  return launched(await launchRun({ weirCommand: ctx.weirCommand, cwd: ctx.cwd, stateDir: ctx.stateDir, specPath: pipeline.sourcePath, params }))
}

/** A `PARAM_INVALID` error as a 400 naming the param at fault, for the form. */
async function refuseBadParams(check: () => unknown): Promise<void> {
  try {
    await check()
  } catch (error) {
    const message = (error as Error).message
    const param = /^(?:Param|--param) '([^']+)'/.exec(message)?.[1] ?? /has no param '([^']+)'/.exec(message)?.[1]
    throw new HttpProblem(400, message, param)
  }
}

/** POST /api/runs/:id/resume `{params}` (the secrets the run did not record). */
export async function resumeRun(ctx: UiContext, run: RunRecord, body: Record<string, unknown>): Promise<UiStarted> {
  if (run.status === 'running') throw new HttpProblem(409, `Run ${run.runId} is still running; cancel it or wait for it to end.`)
  if (run.status === 'succeeded') throw new HttpProblem(409, `Run ${run.runId} succeeded; there is nothing to resume.`)
  const pipeline = await currentPipeline(ctx, run.pipeline, '; a resume needs it')
  const params = paramsOf(body)
  // The rest is checked by `weir run --resume` itself, against the params the run recorded; a value
  // too deep to hand it on stdin is refused here.
  await refuseBadParams(() => checkParamNesting(params))
  return launched(await launchRun({ weirCommand: ctx.weirCommand, cwd: ctx.cwd, stateDir: ctx.stateDir, specPath: pipeline.sourcePath, params, resumeFrom: run.runId }))
}

/**
 * Runs this server has asked to stop (run id and pid). A second SIGINT is `weir run`'s "stop at
 * once" (the second Ctrl-C): a second click on Cancel while the run winds down must not turn a
 * graceful cancel into an abrupt stop, recorded interrupted instead of cancelled.
 */
const cancelling = new Set<string>()

/** POST /api/runs/:id/cancel: SIGINT once per run; asking again changes nothing. */
export function cancelRun(run: RunRecord): { readonly signalled: number } {
  if (run.status !== 'running') throw new HttpProblem(409, `Run ${run.runId} is not running (it is ${run.status}).`)
  if (run.host !== hostname()) throw new HttpProblem(409, `Run ${run.runId} belongs to a process on host '${run.host}', not this one ('${hostname()}'); cancel it there.`)
  const id = `${run.runId}:${run.pid}`
  if (cancelling.has(id)) return { signalled: run.pid }
  try {
    process.kill(run.pid, 'SIGINT')
  } catch (error) {
    throw new HttpProblem(409, `Could not signal process ${run.pid} of run ${run.runId}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}.`)
  }
  cancelling.add(id)
  return { signalled: run.pid }
}

const SHOWN_ERRORS = 3

/**
 * The pipeline's spec as it is on disk now, validated again if it or a handler module it names
 * changed since the page was drawn; an invalid one is refused with its errors.
 */
async function currentPipeline(ctx: UiContext, name: string, why: string): Promise<Pipeline> {
  const entry = await ctx.specs.current(name)
  if (!entry) throw new HttpProblem(404, `No valid spec of pipeline '${name}' under the folders weir ui reads${why}.`)
  if (entry.pipeline) return entry.pipeline
  const errors = entry.diagnostics.filter((d) => d.severity === 'error')
  const shown = errors.slice(0, SHOWN_ERRORS).map((d) => `${entry.shownPath}:${d.line}:${d.column}: ${d.code}: ${d.message}`)
  const more = errors.length > SHOWN_ERRORS ? ` (and ${errors.length - SHOWN_ERRORS} more)` : ''
  throw new HttpProblem(409, `The spec of pipeline '${name}' is not valid now; fix it first${why}: ${shown.join(' ')}${more}`)
}

function launched(result: Awaited<ReturnType<typeof launchRun>>): UiStarted {
  if ('error' in result) throw new HttpProblem(400, result.error)
  return { runId: result.runId }
}
