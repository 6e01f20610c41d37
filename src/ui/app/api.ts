/**
 * Talking to weir ui's server: JSON in and out, its access token on every request (a header; a
 * query parameter for an EventSource, which sets no header), the per-server CSRF token on every
 * state change. The access token comes in the URL weir ui printed (`?token=`); the page keeps it in
 * this origin's storage (another port of 127.0.0.1 is another origin and cannot read it; a cookie
 * would be sent to every port) and takes it out of the address bar.
 */
import type { UiProblem } from '../api-types.ts'

const token = document.querySelector('meta[name="weir-token"]')?.getAttribute('content') ?? ''

const ACCESS_KEY = 'weir-ui-access'
let access = ''
/** The access token: from the URL (`?token=`, or a one-time `?ticket=` that `weir ui --open` gives), else as kept. */
const accessReady: Promise<string> = (async (): Promise<string> => {
  const url = new URL(location.href)
  const given = url.searchParams.get('token')
  const ticket = url.searchParams.get('ticket')
  let found = given ?? localStorage.getItem(ACCESS_KEY) ?? ''
  if (given === null && ticket !== null) {
    const res = await fetch('/api/access', { method: 'POST', headers: { 'content-type': 'application/json', 'x-weir-token': token, 'x-weir-ticket': ticket }, body: '{}' })
    if (res.ok) found = ((await res.json()) as { token: string }).token
  }
  if (given !== null || ticket !== null) {
    if (found !== '') localStorage.setItem(ACCESS_KEY, found)
    url.searchParams.delete('token')
    url.searchParams.delete('ticket')
    history.replaceState(history.state, '', `${url.pathname}${url.search}${url.hash}`)
  }
  access = found
  return found
})()

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
  return answer<T>(await fetch(path, { headers: { accept: 'application/json', 'x-weir-access': await accessReady } }))
}

export async function postJson<T>(path: string, body: unknown): Promise<T> {
  return answer<T>(await fetch(path, { method: 'POST', headers: { 'content-type': 'application/json', 'x-weir-token': token, 'x-weir-access': await accessReady }, body: JSON.stringify(body) }))
}

/** The URL of an event stream at `path`, with the access token (an EventSource sends no header). */
export const eventsUrl = (path: string): string => `${path}?access=${encodeURIComponent(access)}`

/** `/api/runs/<id>/…` with each part encoded. */
export const apiPath = (...parts: string[]): string => `/api/${parts.map(encodeURIComponent).join('/')}`
