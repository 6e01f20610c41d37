/**
 * The Cloud Storage byte store behind the `gcs` IoManager. An upload becomes visible only when it
 * is complete (GCS finalizes objects atomically; resumable sessions stay invisible until then).
 * Every upload carries a generation precondition, which makes it safe to retry; a precondition
 * failure means another writer replaced the object meanwhile, and its complete value stands.
 */
import type { Readable } from 'node:stream'
import type { OutputKey } from '../../types.ts'
import type { ByteBody, ByteStore, PutOptions } from '../byte-store.ts'
import { IoError } from '../io-error.ts'
import { keyFolder } from '../output-location.ts'
import { isTransientGcsError, statusOf, type GcsClient, type GcsObjectStat } from './gcs-client.ts'
import { formatGsUri, joinObjectName, parseGsUri } from './gcs-uri.ts'

export interface GcsByteStoreOptions {
  readonly bucket: string
  /** Object-name prefix for key-derived outputs. */
  readonly prefix?: string
  /** Bodies in memory at least this large use a resumable upload; streams always do. */
  readonly resumableThresholdBytes: number
  /** Tries per operation for transient errors (408, 429, 5xx, dropped connections). */
  readonly maxAttempts: number
  /** First retry delay; doubles per retry. */
  readonly retryDelayMs: number
  /** How to wait between retries (tests pass one that does not sleep). */
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>
}

/** Creates the byte store for objects in `options.bucket` through `client`. */
export function createGcsByteStore(client: GcsClient, options: GcsByteStoreOptions): ByteStore {
  const retry = <T>(signal: AbortSignal, fn: () => Promise<T>) => withRetries(signal, options, fn)

  // A stat that failed (a bucket that cannot be reached, a refusal) is a read failure naming the
  // object, in weir's codes, like every other operation here: a caller (weir execute reading its
  // documents, the subprocess executor reading a task's result) passes it on as it is.
  const statOrUndefined = (uri: string, signal: AbortSignal): Promise<GcsObjectStat | undefined> => {
    const { bucket, name } = parseGsUri(uri)
    return retry(signal, () => client.stat(bucket, name, signal)).catch((e: unknown) => {
      throw ioFailure(e, 'IO_READ_FAILED', `Could not read '${uri}'`, signal)
    })
  }

  const statOrMissing = async (uri: string, signal: AbortSignal): Promise<GcsObjectStat> => {
    const { bucket, name } = parseGsUri(uri)
    const stat = await retry(signal, () => client.stat(bucket, name, signal)).catch((e: unknown) => {
      throw isCredentialsError(e) ? e : new IoError('IO_READ_FAILED', `Could not read '${uri}': ${(e as Error).message}`, { cause: e })
    })
    if (!stat) throw notFound(uri)
    return stat
  }

  const openRead = async (uri: string, signal: AbortSignal): Promise<Readable> => {
    const { bucket, name } = parseGsUri(uri)
    // Pin the generation we saw: a concurrent overwrite cannot splice two objects into one read.
    const { generation } = await statOrMissing(uri, signal)
    return client.get(bucket, name, generation, signal)
  }

  return {
    scheme: 'gs:',
    folderOf(key: OutputKey): string {
      if (key.prefix === undefined) return formatGsUri({ bucket: options.bucket, name: joinObjectName(options.prefix ?? '', keyFolder(key)) })
      if (key.prefix.startsWith('gs://')) return key.prefix.replace(/\/+$/, '')
      if (/^[a-z][a-z0-9+.-]*:\/\//i.test(key.prefix))
        throw new IoError('IO_UNSUPPORTED_URI', `The gcs IoManager cannot write to '${key.prefix}'; give a gs:// URI or an object-name prefix.`)
      return formatGsUri({ bucket: options.bucket, name: joinObjectName(key.prefix) })
    },

    owns(uri: string): boolean {
      try {
        return parseGsUri(uri).bucket === options.bucket
      } catch {
        return false
      }
    },

    async put(uri: string, body: ByteBody, put: PutOptions) {
      const { bucket, name } = parseGsUri(uri)
      const inMemory = body instanceof Uint8Array
      const upload = async () => {
        const current = await retry(put.signal, () => client.stat(bucket, name, put.signal))
        const resumable = !inMemory || body.byteLength >= options.resumableThresholdBytes
        try {
          return await client.put(bucket, name, body, {
            contentType: put.contentType,
            ifGenerationMatch: current?.generation ?? '0',
            resumable,
            signal: put.signal,
          })
        } catch (error) {
          if (statusOf(error) !== 412) throw error
          // Another writer (or our own earlier try) finalized a newer generation: that complete
          // value stands, as the last of two concurrent writes would on a file system.
          const winner = await client.stat(bucket, name, put.signal)
          if (!winner) throw error
          return winner
        }
      }
      try {
        // A stream is consumed by its first try; only bodies in memory are retried here (the
        // client retries resumable uploads chunk by chunk).
        const stat = inMemory ? await retry(put.signal, upload) : await upload()
        // The generation is the version: every upload to a name makes a new one.
        return { sizeBytes: stat.size, version: stat.generation }
      } catch (cause) {
        if (put.signal.aborted || isCredentialsError(cause) || (cause as { code?: unknown } | null)?.code === 'IO_UNSUPPORTED_VALUE') throw cause
        throw new IoError('IO_WRITE_FAILED', `Could not write '${uri}': ${(cause as Error).message}`, { cause })
      }
    },

    openRead,

    async readAll(uri: string, signal: AbortSignal): Promise<Buffer> {
      const stream = await openRead(uri, signal)
      const chunks: Buffer[] = []
      try {
        for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array))
      } catch (cause) {
        if (statusOf(cause) === 404) throw notFound(uri)
        throw new IoError('IO_READ_FAILED', `Could not read '${uri}': ${(cause as Error).message}`, { cause })
      }
      return Buffer.concat(chunks)
    },

    async exists(uri: string, signal: AbortSignal): Promise<boolean> {
      return (await statOrUndefined(uri, signal)) !== undefined
    },

    async versionOf(uri: string, signal: AbortSignal): Promise<string | undefined> {
      return (await statOrUndefined(uri, signal))?.generation
    },

    async sizeOf(uri: string, signal: AbortSignal): Promise<number | undefined> {
      return (await statOrUndefined(uri, signal))?.size
    },

    async create(uri: string, body: Uint8Array, put: PutOptions): Promise<boolean> {
      const { bucket, name } = parseGsUri(uri)
      try {
        // A stat first spares the upload when an entry stands (the common case of a second writer).
        if ((await retry(put.signal, () => client.stat(bucket, name, put.signal))) !== undefined) return false
        // `ifGenerationMatch: 0`: only if no live object. A retry after a lost answer to our own
        // successful upload sees 412 too; the caller then reads back what stands, which is ours.
        await retry(put.signal, () => client.put(bucket, name, body, { contentType: put.contentType, ifGenerationMatch: '0', resumable: false, signal: put.signal }))
        return true
      } catch (cause) {
        if (statusOf(cause) === 412) return false
        if (put.signal.aborted || isCredentialsError(cause)) throw cause
        throw new IoError('IO_WRITE_FAILED', `Could not write '${uri}': ${(cause as Error).message}`, { cause })
      }
    },

    async list(uri: string, signal: AbortSignal): Promise<string[]> {
      const { bucket, name } = parseGsUri(uri)
      const prefix = name === '' || name.endsWith('/') ? name : `${name}/`
      const names = await retry(signal, () => client.list(bucket, prefix, signal)).catch((e: unknown) => {
        throw isCredentialsError(e) ? e : new IoError('IO_READ_FAILED', `Could not list '${uri}': ${(e as Error).message}`, { cause: e })
      })
      return names.map((n) => formatGsUri({ bucket, name: n }))
    },

    async remove(uri: string, signal: AbortSignal): Promise<void> {
      const { bucket, name } = parseGsUri(uri)
      await retry(signal, () => client.delete(bucket, name, signal)).catch((e: unknown) => {
        throw ioFailure(e, 'IO_WRITE_FAILED', `Could not remove '${uri}'`, signal)
      })
    },
  }
}

/** `error` as an IoError with `code`, unless it is a credentials error or the operation was aborted (those pass as they are). */
function ioFailure(error: unknown, code: 'IO_READ_FAILED' | 'IO_WRITE_FAILED', what: string, signal: AbortSignal): unknown {
  if (signal.aborted || isCredentialsError(error)) return error
  return new IoError(code, `${what}: ${(error as Error).message}`, { cause: error })
}

/** Missing or refused credentials keep their own code: the message says how to fix them, and no retry helps. */
function isCredentialsError(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'IO_NO_CREDENTIALS'
}

function notFound(uri: string): IoError {
  return new IoError('OUTPUT_NOT_FOUND', `Output '${uri}' does not exist; the task that writes it has not succeeded in this run, or the object was removed.`)
}

async function withRetries<T>(signal: AbortSignal, options: GcsByteStoreOptions, fn: () => Promise<T>): Promise<T> {
  const sleep = options.sleep ?? sleepFor
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn()
    } catch (error) {
      if (attempt >= options.maxAttempts || !isTransientGcsError(error) || signal.aborted) throw error
      await sleep(options.retryDelayMs * 2 ** (attempt - 1), signal)
    }
  }
}

async function sleepFor(ms: number, signal: AbortSignal): Promise<void> {
  const { setTimeout } = await import('node:timers/promises')
  await setTimeout(ms, undefined, { signal })
}
