/**
 * What every request to `weir ui` must pass. The server holds run-starting power over the user's
 * machine, and reads a store that may be closed to other users, so:
 * - every request of the API needs the access token (`weir ui` prints it in its URL; the page keeps
 *   it in its origin's storage and sends it in a header), since any user or process of the machine
 *   can reach 127.0.0.1;
 * - the Host header must name this server (a DNS-rebinding page at evil.example resolving to
 *   127.0.0.1 sends `Host: evil.example`), unless it is bound beyond loopback (other machines reach
 *   it by names and addresses it cannot know);
 * - a state-changing request must be JSON, come from this origin (Origin / Sec-Fetch-Site) and
 *   carry the per-server token the page got in its HTML.
 */
import type { IncomingMessage } from 'node:http'
import { timingSafeEqual } from 'node:crypto'

export interface SecurityConfig {
  /** Host header values this server answers to, e.g. `127.0.0.1:4170`, `localhost:4170`. */
  readonly allowedHosts: ReadonlySet<string>
  /** Sent by the page as `X-Weir-Token` with every state-changing request. */
  readonly csrfToken: string
  /**
   * Needed on every request of the API when set: the header ACCESS_HEADER, or `?access=` (an
   * EventSource sets no header). `weir ui` always sets one: on loopback too, since every user of the
   * machine can reach 127.0.0.1. Never a cookie: a browser sends cookies of 127.0.0.1 to every port
   * of it, so another user's server that the browser visits would get the token.
   */
  readonly accessToken?: string
  /** Bound beyond loopback: any Host header passes (other machines use names and addresses this server cannot know). */
  readonly anyHost?: boolean
}

/** The header the page sends its per-server token in. */
export const CSRF_HEADER = 'x-weir-token'
/** The header the page sends the access token in (it reads the token from the URL weir ui printed). */
export const ACCESS_HEADER = 'x-weir-access'

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

/**
 * Why the request lacks the access token (only when one is configured), or undefined. The page
 * always sends a token (its header, maybe empty, or `?access=`): a wrong one is a page kept across
 * a restart, told to open the new URL. A request with none is a script's or a typed URL's, told
 * where the token goes (`?token=` only opens the page).
 */
export function checkAccess(req: IncomingMessage, url: URL, config: SecurityConfig): string | undefined {
  if (config.accessToken === undefined) return undefined
  const header = req.headers[ACCESS_HEADER]
  if (isSameSecret(typeof header === 'string' ? header : undefined, config.accessToken)) return undefined
  const query = url.searchParams.get('access') ?? undefined
  if (isSameSecret(query, config.accessToken)) return undefined
  if (header !== undefined || query !== undefined)
    return 'This server needs its access token: open the URL with ?token= that weir ui printed (the token is new at each start).'
  return 'This server needs its access token: send the token printed by weir ui (the ?token= of its URL, new at each start) in an X-Weir-Access header, or as ?access=TOKEN; ?token= only opens the page.'
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
  if (!isSameSecret(typeof token === 'string' ? token : undefined, config.csrfToken)) return `Missing or wrong ${CSRF_HEADER} header: reload the page (a script reads it from the page's <meta name="weir-token">).`
  return undefined
}

