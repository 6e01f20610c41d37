/**
 * Secret param values in what a handler says: its `ctx.log` lines and the code, message and stack
 * of the error it fails with. Handlers pass secrets to clients whose errors quote them (an HTTP
 * client's URL with a token, a database driver's connection string), and those texts reach the
 * terminal, the run store, the UI and an engine's log. weir knows the values the run was given:
 * each one is replaced by REDACTED wherever it appears in such a text, as CI systems mask their
 * secrets in job logs.
 *
 * Which values: the parts of each param that its schema marks `writeOnly: true` (redact-secrets.ts),
 * their strings and numbers, as written, as JSON would escape them and as the usual URL encoders
 * would encode them (a query string's, a form's, a path's; hex digits in either case).
 * Shorter than MIN_LENGTH they are left alone: masking every `1` or `ab` would garble every log and
 * hide nothing. What a handler prints itself (console.log, process.stdout) does not pass through
 * weir, and is not masked.
 */
import type { Pipeline } from '../spec/model.ts'
import type { AttemptOutcome, ErrorInfo, Executor, Logger } from '../plugins/types.ts'
import { isSecretParam } from './params.ts'
import { REDACTED, redactSecrets } from './redact-secrets.ts'
import { logTextLines } from '../spec/task-log-lines.ts'
import { isObject } from '../spec/collect.ts'

/** Secret texts shorter than this are not masked. */
export const MIN_LENGTH = 4

/** Replaces secrets in a text. */
export type SecretMasker = (text: string) => string

/** The masker of the secret values among `params` (resolved), or undefined when there are none worth masking. */
export function secretMasker(pipeline: Pipeline, params: Readonly<Record<string, unknown>>): SecretMasker | undefined {
  const secrets = new Set<string>()
  for (const [name, value] of Object.entries(params)) {
    const decl = Object.hasOwn(pipeline.params, name) ? pipeline.params[name] : undefined
    if (!decl || !isSecretParam(pipeline, decl)) continue
    collectSecrets(value, decl.secret ? REDACTED : redactSecrets(decl.schema, value, pipeline.types), secrets)
  }
  return maskerOf(secrets)
}

/** The masker of these texts (as written, JSON-escaped or URL-encoded), or undefined when none is MIN_LENGTH long. */
export function maskerOf(texts: Iterable<string>): SecretMasker | undefined {
  const forms = new Set<string>()
  for (const text of texts) {
    if (text.length < MIN_LENGTH) continue
    forms.add(text)
    // Most tokens are letters, digits and `-_.`, which neither JSON nor any URL encoder changes.
    if (UNCHANGED.test(text)) continue
    forms.add(JSON.stringify(text).slice(1, -1))
    addUrlForms(text, forms)
  }
  if (forms.size === 0) return undefined
  // Longest first: a secret that contains another is masked whole. Literal forms, not one pattern
  // per secret allowing either form at each character: V8 runs a large alternation of literals
  // fast, and that pattern ran 100 times slower with a few hundred secrets (a map over a secret list).
  const pattern = new RegExp([...forms].sort((a, b) => b.length - a.length).map(escapeRegExp).join('|'), 'g')
  return (text) => text.replace(pattern, REDACTED)
}

const UNCHANGED = /^[A-Za-z0-9_.-]*$/

/**
 * How clients percent-encode a text into a URL: the ASCII characters each leaves as they are
 * (besides letters and digits), whether it writes a space as `+`, and whether it turns `\` into `/`.
 */
interface UrlEncoding {
  readonly keep: string
  readonly plus?: boolean
  readonly backslashAsSlash?: boolean
}

const URL_ENCODINGS: readonly UrlEncoding[] = [
  // encodeURIComponent
  { keep: "-_.!~*'()" },
  // RFC 3986 (AWS signatures, Python's quote(safe=''))
  { keep: '-_.~' },
  // application/x-www-form-urlencoded: URLSearchParams (`key=my+token%21`)
  { keep: '-_.*', plus: true },
  // Go's QueryEscape, Python's quote_plus
  { keep: '-_.~', plus: true },
  // encodeURI
  { keep: "-_.!~*'();,/?:@&=+$#" },
  // The WHATWG URL parser (new URL and its setters), in a path (of https: and the like, where `\`
  // is a slash), in a user or password, in a query and in a fragment.
  { keep: "-_.!~*'()$%&+,/:;=@[]^|", backslashAsSlash: true },
  { keep: "-_.!~*'()$%&+," },
  { keep: "-_.!~*()$%&+,/:;=?@[]\\^`{|}" },
  { keep: "-_.!~*'()$%&+,/:;=?@[]\\^{|}#" },
]

/** `text` percent-encoded as each of URL_ENCODINGS does it, with upper- and lower-case hex digits. */
function addUrlForms(text: string, into: Set<string>): void {
  const chars = [...text]
  // UTF-8 bytes as `%XX` (a lone surrogate as U+FFFD, as URL writes it), for the characters an encoder may change.
  const bytes = chars.map((char) => (UNCHANGED.test(char) ? char : percentBytes(char)))
  for (const encoding of URL_ENCODINGS) {
    let out = ''
    for (let i = 0; i < chars.length; i++) {
      const char = chars[i]!
      if (encoding.keep.includes(char)) out += char
      else if (char === ' ' && encoding.plus) out += '+'
      else if (char === '\\' && encoding.backslashAsSlash) out += '/'
      else out += bytes[i]
    }
    into.add(out)
    // Some clients write the hex digits in lower case (`%2f`).
    into.add(out.replace(/%[0-9A-F]{2}/g, (hex) => hex.toLowerCase()))
  }
}

function percentBytes(char: string): string {
  let out = ''
  for (const byte of utf8.encode(char)) out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`
  return out
}

const utf8 = new TextEncoder()

/** The maskers of the runs and attempts under way in this process. */
const active = new Set<SecretMasker>()

/**
 * Makes `mask` apply to what the process itself prints while it is active: an error nothing caught
 * or a rejection nothing handled (cli/report-uncaught-errors.ts, report-unhandled-rejections.ts),
 * whose text is a handler's and may quote a secret. Returns how to deactivate it.
 */
export function activateMasker(mask: SecretMasker): () => void {
  active.add(mask)
  return () => void active.delete(mask)
}

/** `text` with the secrets of every active run or attempt masked. */
export function maskActiveSecrets(text: string): string {
  let out = text
  for (const mask of active) out = mask(out)
  return out
}

/** A logger that masks each message (and its fields, as JSON) before `log` gets it. */
export function maskedLogger(log: Logger, mask: SecretMasker): Logger {
  // A handler may log what is no string (an Error, a number): masked as the text it is logged as.
  const line = (write: Logger['info']) => (message: unknown, fields?: Record<string, unknown>) => {
    const text = mask(typeof message === 'string' ? message : logTextLines(message).join('\n'))
    if (fields === undefined) write(text)
    else write(text, maskFields(fields, mask))
  }
  return { debug: line(log.debug.bind(log)), info: line(log.info.bind(log)), warn: line(log.warn.bind(log)), error: line(log.error.bind(log)) }
}

/** An error with its code, message and stack masked (a handler may set any text as its error's `code`). */
export function maskedError(error: ErrorInfo, mask: SecretMasker): ErrorInfo {
  return { ...error, code: mask(error.code), message: mask(error.message), ...(error.stack !== undefined && { stack: mask(error.stack) }) }
}

/** An executor whose attempts log through `mask` and whose failures are masked. */
export function maskingExecutor(executor: Executor, mask: SecretMasker): Executor {
  return {
    runAttempt: async (request) => maskedOutcome(await executor.runAttempt({ ...request, log: maskedLogger(request.log, mask) }), mask),
    ...(executor.close && { close: () => executor.close!() }),
  }
}

function maskedOutcome(outcome: AttemptOutcome, mask: SecretMasker): AttemptOutcome {
  if (outcome.status === 'succeeded' || outcome.error === undefined) return outcome
  return { ...outcome, error: maskedError(outcome.error, mask) } as AttemptOutcome
}

function maskFields(fields: Record<string, unknown>, mask: SecretMasker): Record<string, unknown> {
  try {
    return JSON.parse(mask(JSON.stringify(fields))) as Record<string, unknown>
  } catch {
    return { fields: REDACTED }
  }
}

/** The strings and numbers of `value` where `redacted` (the same value with its secret parts redacted) holds REDACTED. */
function collectSecrets(value: unknown, redacted: unknown, into: Set<string>): void {
  if (redacted === REDACTED) return collectLeaves(value, into, 0)
  if (Array.isArray(value) && Array.isArray(redacted)) value.forEach((v, i) => collectSecrets(v, redacted[i], into))
  else if (isObject(value) && isObject(redacted)) for (const key of Object.keys(value)) collectSecrets(value[key], redacted[key], into)
}

function collectLeaves(value: unknown, into: Set<string>, depth: number): void {
  if (typeof value === 'string') into.add(value)
  else if (typeof value === 'number' && Number.isFinite(value)) into.add(String(value))
  else if (depth < 64 && Array.isArray(value)) for (const v of value) collectLeaves(v, into, depth + 1)
  else if (depth < 64 && isObject(value)) for (const v of Object.values(value)) collectLeaves(v, into, depth + 1)
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
