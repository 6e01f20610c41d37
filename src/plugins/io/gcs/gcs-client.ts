/**
 * The thin client between the gcs IoManager and Cloud Storage (as Temporal's S3 driver has): three
 * calls, so the IoManager's logic is tested with an in-memory client and the real one
 * (storage-gcs-client.ts, @google-cloud/storage) against an emulator.
 */
import type { Readable } from 'node:stream'
import type { ByteBody } from '../byte-store.ts'

/** What weir needs to know of a stored object. */
export interface GcsObjectStat {
  /** The object's generation (a decimal string: it can exceed 2^53). */
  readonly generation: string
  readonly size: number
}

export interface GcsPutOptions {
  readonly contentType: string
  /**
   * Precondition: replace only this generation (`'0'`: only create). Makes the upload idempotent,
   * so it can be retried safely; a mismatch fails with status 412.
   */
  readonly ifGenerationMatch: string
  /** Resumable upload (streams, large bodies) or a single multipart request. */
  readonly resumable: boolean
  readonly signal: AbortSignal
}

/**
 * Cloud Storage, reduced to what an IoManager uses. Implementations validate checksums (crc32c)
 * on the way up and down, and throw errors carrying the HTTP status as `status` (404, 412, 429, 5xx).
 */
export interface GcsClient {
  /** Uploads a body as the object's new generation; it becomes visible only once complete. */
  put(bucket: string, name: string, body: ByteBody, options: GcsPutOptions): Promise<GcsObjectStat>
  /** Stat of the live object, or undefined when there is none. */
  stat(bucket: string, name: string, signal: AbortSignal): Promise<GcsObjectStat | undefined>
  /** Streams one generation of an object; the stream errors if the checksum does not match. */
  get(bucket: string, name: string, generation: string, signal: AbortSignal): Readable
  /** Names of the live objects whose name starts with `prefix` (every page). */
  list(bucket: string, prefix: string, signal: AbortSignal): Promise<string[]>
  /** Deletes the live object; a missing one is fine. */
  delete(bucket: string, name: string, signal: AbortSignal): Promise<void>
}

/** HTTP status of a client error, if it has one. */
export function statusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined
  const { status, code } = error as { status?: unknown; code?: unknown }
  if (typeof status === 'number') return status
  return typeof code === 'number' ? code : undefined
}

const TRANSIENT_NETWORK = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENOTFOUND', 'UND_ERR_SOCKET'])

/** Whether an error is worth retrying: 408, 429, 5xx, or a dropped connection. */
export function isTransientGcsError(error: unknown): boolean {
  const status = statusOf(error)
  if (status !== undefined) return status === 408 || status === 429 || status >= 500
  const code = (error as { code?: unknown } | null)?.code
  return typeof code === 'string' && TRANSIENT_NETWORK.has(code)
}
