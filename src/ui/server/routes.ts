/**
 * Which handler answers which request. Paths are split on '/' before each segment is
 * percent-decoded, so an encoded '/' or '..' stays inside one segment, where run ids and task ids are
 * checked against the store (never joined into a path as given).
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { UiContext } from './context.ts'
import { HttpProblem, readJsonObject, sendJson } from './http-io.ts'
import { cancelRun, resumeRun, startRun } from './actions.ts'
import { checkTask, findRun, listPipelines, listRunPage, showPipeline, viewRun } from './read-routes.ts'
import { previewOutput, readTaskLog } from './task-files.ts'
import { streamRunEvents } from './run-events.ts'

/** Splits and decodes a path; a malformed escape is a 400. */
export function pathSegments(pathname: string): string[] {
  return pathname
    .split('/')
    .filter((s) => s !== '')
    .map((s) => {
      try {
        return decodeURIComponent(s)
      } catch {
        throw new HttpProblem(400, 'Malformed percent-encoding in the path.')
      }
    })
}

/** Answers one API request (`/api/…`); the caller has done the security checks. */
export async function routeApi(ctx: UiContext, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const s = pathSegments(url.pathname).slice(1)
  const method = req.method ?? 'GET'
  const get = method === 'GET' || method === 'HEAD'
  const ok = (body: unknown): void => sendJson(res, 200, body)

  if (s[0] === 'pipelines' && s.length === 1 && get) return ok(await listPipelines(ctx))
  if (s[0] === 'pipelines' && s.length === 2 && get) return ok(await showPipeline(ctx, s[1]!))
  if (s[0] === 'runs' && s.length === 1) {
    if (get) return ok(await listRunPage(ctx, url.searchParams))
    if (method === 'POST') return ok(await startRun(ctx, await readJsonObject(req)))
  }
  if (s[0] === 'runs' && s.length >= 2) {
    const run = await findRun(ctx, s[1]!)
    if (s.length === 2 && get) return ok(await viewRun(ctx, run))
    if (s.length === 3 && s[2] === 'events' && get) return streamRunEvents(req, res, { stateDir: ctx.stateDir, runId: run.runId, toView: (r) => viewRun(ctx, r), signal: ctx.signal })
    if (s.length === 3 && s[2] === 'resume' && method === 'POST') return ok(await resumeRun(ctx, run, await readJsonObject(req)))
    if (s.length === 3 && s[2] === 'cancel' && method === 'POST') {
      await readJsonObject(req)
      return ok(cancelRun(run))
    }
    if (s.length === 5 && s[2] === 'tasks' && get) {
      const task = checkTask(run, s[3]!)
      if (s[4] === 'log') return ok(await readTaskLog(run, ctx.stateDir, task, fromOffset(url.searchParams.get('from'))))
      if (s[4] === 'output') return ok(await previewOutput(run, ctx.stateDir, task))
    }
  }
  throw new HttpProblem(get || method === 'POST' ? 404 : 405, get || method === 'POST' ? `No such API: ${method} ${url.pathname}.` : `Method ${method} is not allowed.`)
}

function fromOffset(text: string | null): number | undefined {
  if (text === null || text === '') return undefined
  const n = Number(text)
  if (!Number.isSafeInteger(n) || n < 0) throw new HttpProblem(400, "'from' must be a byte offset (a whole number, 0 or more).")
  return n
}
