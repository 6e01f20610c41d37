/**
 * `weir ui`'s HTTP server: the page, its assets and the JSON API over the run store and the spec
 * folders. Loopback only unless told otherwise; then an access token guards every request.
 */
import { setMaxListeners } from 'node:events'
import { createServer } from 'node:http'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { isIPv4 } from 'node:net'
import type { AddressInfo } from 'node:net'
import { randomBytes } from 'node:crypto'
import { resolve } from 'node:path'
import type { PluginCatalog } from '../../spec/validate.ts'
import { checkAccess, checkHost, checkStateChange, SECURITY_HEADERS } from './security.ts'
import type { SecurityConfig } from './security.ts'
import { HttpProblem, sendProblem } from './http-io.ts'
import { loadAssets } from './static-assets.ts'
import type { Assets } from './static-assets.ts'
import { routeApi } from './routes.ts'
import { createSpecIndex } from './spec-index.ts'
import { createRunsIndex } from './runs-index.ts'
import type { UiContext } from './context.ts'

export interface UiServerOptions {
  /** Spec files or folders (like `spec validate`). */
  readonly paths: readonly string[]
  readonly findSpecFiles: (paths: readonly string[]) => Promise<string[]>
  readonly plugins: PluginCatalog
  /** @default '.weir' */
  readonly stateDir?: string
  /** @default process.cwd() */
  readonly cwd?: string
  /** Interface to bind. @default '127.0.0.1' */
  readonly host?: string
  /** @default 0 (a free port) */
  readonly port?: number
  /** Every request must carry it (`weir ui` always passes one); required when `host` is not loopback. */
  readonly accessToken?: string
  /** Folder of the built page (app.js, app.css, layout-worker.js). */
  readonly assetsDir: string
  /** How to start weir for a run: `[node, path/to/bin/weir.js]`. */
  readonly weirCommand: readonly string[]
}

export interface UiServer {
  /** The URL to open (with `?token=` when an access token is set). */
  readonly url: string
  /**
   * A URL that opens the page once, with a ticket in place of the token (`?ticket=`, good for one
   * exchange within TICKET_MS): what `weir ui --open` gives the browser, whose command line every
   * user of the machine can read (/proc/<pid>/cmdline), for as long as the browser runs.
   */
  openUrl(): string
  readonly port: number
  /** The per-server token state-changing requests carry (tests use it). */
  readonly csrfToken: string
  close(): Promise<void>
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1'])

/** Whether a host binds only this machine's loopback interface (a name like '127.x.example' resolves to anything: not one). */
export const isLoopback = (host: string): boolean => LOOPBACK.has(host) || (isIPv4(host) && host.startsWith('127.'))

/** Starts the server; resolves once it listens. */
export async function startUiServer(options: UiServerOptions): Promise<UiServer> {
  const host = options.host ?? '127.0.0.1'
  if (!isLoopback(host) && (options.accessToken === undefined || options.accessToken.length < 16))
    throw new HttpProblem(500, `Binding ${host} exposes runs beyond this machine; it needs an access token of 16 characters or more.`)
  const assets = await loadAssets(options.assetsDir)
  const cwd = resolve(options.cwd ?? process.cwd())
  const stateDir = resolve(cwd, options.stateDir ?? '.weir')
  const closing = new AbortController()
  // Every open event stream listens to it (one per browser tab watching a run): no leak, and
  // Node's default limit of ten printed a leak warning on this terminal at the eleventh.
  setMaxListeners(0, closing.signal)
  const ctx: UiContext = {
    stateDir,
    cwd,
    specs: createSpecIndex({ paths: options.paths, findSpecFiles: options.findSpecFiles, plugins: options.plugins, cwd }),
    runs: createRunsIndex(stateDir),
    weirCommand: options.weirCommand,
    signal: closing.signal,
  }
  const csrfToken = randomBytes(24).toString('hex')
  const allowedHosts = new Set<string>()
  const security: { config: SecurityConfig } = {
    config: { allowedHosts, csrfToken, anyHost: !isLoopback(host), ...(options.accessToken !== undefined && { accessToken: options.accessToken }) },
  }
  const tickets = new Map<string, number>()
  const server = createServer((req, res) => void answer(req, res, ctx, assets, security.config, tickets))
  await new Promise<void>((done, fail) => {
    server.once('error', fail)
    server.listen(options.port ?? 0, host, () => done())
  })
  const port = (server.address() as AddressInfo).port
  for (const name of ['127.0.0.1', 'localhost', '[::1]', host.includes(':') ? `[${host}]` : host]) allowedHosts.add(`${name.toLowerCase()}:${port}`)
  const shownHost = host.includes(':') ? `[${host}]` : host
  return {
    url: `http://${shownHost}:${port}/${options.accessToken !== undefined ? `?token=${encodeURIComponent(options.accessToken)}` : ''}`,
    port,
    csrfToken,
    openUrl() {
      if (options.accessToken === undefined) return `http://${shownHost}:${port}/`
      const ticket = randomBytes(24).toString('hex')
      tickets.set(ticket, Date.now() + TICKET_MS)
      return `http://${shownHost}:${port}/?ticket=${ticket}`
    },
    async close() {
      closing.abort()
      server.closeAllConnections()
      await new Promise<void>((done) => server.close(() => done()))
    },
  }
}

/** How long a ticket of `openUrl` can be exchanged for the access token. */
const TICKET_MS = 120_000

async function answer(req: IncomingMessage, res: ServerResponse, ctx: UiContext, assets: Assets, config: SecurityConfig, tickets: Map<string, number>): Promise<void> {
  try {
    const hostProblem = checkHost(req, config)
    if (hostProblem) return sendProblem(res, 421, hostProblem)
    const url = new URL(req.url ?? '/', 'http://weir.invalid')
    // The page opened with a ticket exchanges it, once, for the access token (openUrl).
    if (url.pathname === '/api/access' && req.method === 'POST') {
      const stateProblem = checkStateChange(req, config)
      if (stateProblem) return sendProblem(res, 403, stateProblem)
      const ticket = req.headers['x-weir-ticket']
      const until = typeof ticket === 'string' ? tickets.get(ticket) : undefined
      if (typeof ticket === 'string') tickets.delete(ticket)
      if (until === undefined || until < Date.now() || config.accessToken === undefined)
        return sendProblem(res, 401, 'This ticket is used or expired: open the URL with ?token= that weir ui printed.')
      res.writeHead(200, { ...SECURITY_HEADERS, 'content-type': 'application/json' })
      return void res.end(JSON.stringify({ token: config.accessToken }))
    }
    // The page and its scripts hold nothing of the store; every request of the API needs the token.
    const isApi = url.pathname === '/api' || url.pathname.startsWith('/api/')
    const accessProblem = isApi ? checkAccess(req, url, config) : undefined
    if (accessProblem) return sendProblem(res, 401, accessProblem)
    const method = req.method ?? 'GET'
    if (method !== 'GET' && method !== 'HEAD') {
      const stateProblem = checkStateChange(req, config)
      if (stateProblem) return sendProblem(res, 403, stateProblem)
    }
    if (url.pathname === '/' && (method === 'GET' || method === 'HEAD')) {
      res.writeHead(200, { ...SECURITY_HEADERS, 'content-type': 'text/html; charset=utf-8' })
      return void res.end(assets.indexHtml(config.csrfToken))
    }
    if (url.pathname.startsWith('/assets/') && (method === 'GET' || method === 'HEAD')) {
      const file = assets.files.get(url.pathname.slice('/assets/'.length))
      if (!file) return sendProblem(res, 404, 'No such asset.')
      res.writeHead(200, { ...SECURITY_HEADERS, 'content-type': file.type, 'content-length': file.body.length, 'cache-control': 'no-cache' })
      return void res.end(method === 'HEAD' ? undefined : file.body)
    }
    if (isApi) return await routeApi(ctx, req, res, url)
    return sendProblem(res, 404, 'Not found.')
  } catch (error) {
    if (res.headersSent) return void res.end()
    if (error instanceof HttpProblem) return sendProblem(res, error.status, error.message, error.param)
    // Never a stack to the page; the message of an unexpected error is enough to report it.
    return sendProblem(res, 500, `Internal error in weir ui: ${(error as Error).message}. This is a bug in weir; please report it.`)
  }
}
