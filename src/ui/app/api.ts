/** Talking to weir ui's server: JSON in and out, the per-server token on every state change. */
import type { UiProblem } from '../api-types.ts'

const token = document.querySelector('meta[name="weir-token"]')?.getAttribute('content') ?? ''

/** A refused request, with the server's one-line message (and the param at fault, for forms). */
export class ApiError extends Error {
  readonly param: string | undefined
  constructor(message: string, param?: string) {
    super(message)
    this.param = param
  }
}

async function answer<T>(res: Response): Promise<T> {
  const body = (await res.json().catch(() => ({ error: `HTTP ${res.status}` }))) as T | UiProblem
  if (!res.ok) throw new ApiError((body as UiProblem).error ?? `HTTP ${res.status}`, (body as UiProblem).param)
  return body as T
}

export async function getJson<T>(path: string): Promise<T> {
  return answer<T>(await fetch(path, { headers: { accept: 'application/json' } }))
}

export async function postJson<T>(path: string, body: unknown): Promise<T> {
  return answer<T>(await fetch(path, { method: 'POST', headers: { 'content-type': 'application/json', 'x-weir-token': token }, body: JSON.stringify(body) }))
}

/** `/api/runs/<id>/…` with each part encoded. */
export const apiPath = (...parts: string[]): string => `/api/${parts.map(encodeURIComponent).join('/')}`
