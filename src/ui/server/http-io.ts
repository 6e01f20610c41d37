/** Small helpers to answer requests: JSON bodies in and out, one-line problems. */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { SECURITY_HEADERS } from './security.ts'
import type { UiProblem } from '../api-types.ts'

/** An answer the routes return; the server writes it. */
export class HttpProblem extends Error {
  readonly status: number
  readonly param?: string
  constructor(status: number, message: string, param?: string) {
    super(message)
    this.status = status
    if (param !== undefined) this.param = param
  }
}

/** Writes a JSON answer with the security headers. */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value))
  res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) })
  res.end(text)
}

/** Writes a problem as `{"error": "…"}`. */
export function sendProblem(res: ServerResponse, status: number, message: string, param?: string): void {
  const body: UiProblem = { error: message, ...(param !== undefined && { param }) }
  sendJson(res, status, body)
}

const MAX_BODY_BYTES = 1024 * 1024

/** Reads a JSON object body (at most 1 MB). */
export async function readJsonObject(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > MAX_BODY_BYTES) throw new HttpProblem(413, 'Request body is larger than 1 MB.')
    chunks.push(chunk)
  }
  const text = Buffer.concat(chunks).toString('utf8')
  if (text.trim() === '') return {}
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    throw new HttpProblem(400, 'Request body is not valid JSON.')
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new HttpProblem(400, 'Request body must be a JSON object.')
  return value as Record<string, unknown>
}
