/**
 * What every request to `weir ui` must pass. The server holds run-starting power over the user's
 * machine, and reads a store that may be closed to other users, so: every request needs the access
 * token (`weir ui` prints it in its URL; the first visit keeps it in an HttpOnly cookie), since any
 * user or process of the machine can reach 127.0.0.1; the Host header must name this server (a
 * DNS-rebinding page at evil.example resolving to 127.0.0.1 sends `Host: evil.example`), unless it is
 * bound beyond loopback (other machines reach it by names and addresses it cannot know); a
 * state-changing request must be JSON, come from this origin (Origin / Sec-Fetch-Site) and carry
 * the per-server token the page got in its HTML (another origin cannot read that HTML).
 */
import type { IncomingMessage } from 'node:http'
import { timingSafeEqual } from 'node:crypto'

export interface SecurityConfig {
  /** Host header values this server answers to, e.g. `127.0.0.1:4170`, `localhost:4170`. */
  readonly allowedHosts: ReadonlySet<string>
  /** Sent by the page as `X-Weir-Token` with every state-changing request. */
  readonly csrfToken: string
  /**
   * Needed on every request when set (the cookie `cookieName`, or `?token=` once). `weir ui` always
   * sets one: on loopback too, since every user of the machine can reach 127.0.0.1.
   */
  readonly accessToken?: string
  /** The cookie the access token is kept in: named after the port, as cookies do not tell ports apart. */
  readonly cookieName: string
  /** Bound beyond loopback: any Host header passes (other machines use names and addresses this server cannot know). */
  readonly anyHost?: boolean
}

/** The header the page sends its per-server token in. */
export const CSRF_HEADER = 'x-weir-token'
/** The access cookie of the server on `port`: two servers on one machine must not overwrite each other's. */
export const accessCookieName = (port: number | string): string => `weir_ui_${port}`

/** The strict policy of every answer: only this origin's scripts, styles, workers and requests. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; worker-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'cache-control': 'no-store',
}

/** Compares secrets in constant time. */
export function isSameSecret(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false
  const a = Buffer.from(given)
  const b = Buffer.from(expected)
  return a.length === b.length && timingSafeEqual(a, b)
}

/** Why the Host header is refused, or undefined when it names this server (any name, when bound beyond loopback). */
export function checkHost(req: IncomingMessage, config: SecurityConfig): string | undefined {
  const host = req.headers.host?.toLowerCase()
  if (host !== undefined && host !== '' && config.anyHost === true) return undefined
  if (host === undefined || !config.allowedHosts.has(host)) return `Host '${host ?? ''}' is not this server; open the URL weir ui printed.`
  return undefined
}

/** Why the request lacks the access token (only when one is configured), or undefined. */
export function checkAccess(req: IncomingMessage, url: URL, config: SecurityConfig): string | undefined {
  if (config.accessToken === undefined) return undefined
  if (isSameSecret(url.searchParams.get('token') ?? undefined, config.accessToken)) return undefined
  if (isSameSecret(cookieOf(req, config.cookieName), config.accessToken)) return undefined
  return 'This server needs its access token: open the URL with ?token= that weir ui printed.'
}

/** Why a state-changing request is refused (cross-site, not JSON, no token), or undefined. */
export function checkStateChange(req: IncomingMessage, config: SecurityConfig): string | undefined {
  const site = req.headers['sec-fetch-site']
  if (site !== undefined && site !== 'same-origin') return `Cross-site request refused (Sec-Fetch-Site: ${String(site)}).`
  const origin = req.headers.origin
  if (origin !== undefined) {
    let originHost: string
    try {
      originHost = new URL(origin).host.toLowerCase()
    } catch {
      return 'Cross-site request refused (unreadable Origin).'
    }
    const knownHost = config.anyHost === true || config.allowedHosts.has(originHost)
    if (!knownHost || originHost !== req.headers.host?.toLowerCase()) return `Cross-site request refused (Origin ${origin}).`
  }
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase()
  if (type !== 'application/json') return 'State-changing requests must be sent as application/json.'
  const token = req.headers[CSRF_HEADER]
  if (!isSameSecret(typeof token === 'string' ? token : undefined, config.csrfToken)) return `Missing or wrong ${CSRF_HEADER} header; reload the page.`
  return undefined
}

function cookieOf(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=')
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim()
  }
  return undefined
}
