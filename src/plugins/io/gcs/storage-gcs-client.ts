/**
 * The real GcsClient, on @google-cloud/storage 7. Loaded lazily: the library costs ~300 ms to import.
 * Uploads validate crc32c (the library deletes an upload whose checksum the server disagrees with),
 * downloads validate crc32c at the end of the stream.
 */
import { addAbortSignal, Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { Storage, type CreateWriteStreamOptions, type FileMetadata } from '@google-cloud/storage'
import type { GcsClient, GcsObjectStat } from './gcs-client.ts'
import { statusOf } from './gcs-client.ts'
import { noCredentials, type GcsCredentials } from './gcs-credentials.ts'

/** google-auth-library's message when Application Default Credentials found nothing. */
const NO_CREDENTIALS = /Could not load the default credentials/

export interface StorageGcsClientOptions {
  /** Always set: without one the auth library asks the cloud metadata server for it. */
  readonly projectId: string
  /** The bucket, named in credential errors. */
  readonly bucket: string
  /** How requests authenticate; decided by resolveGcsCredentials so the library never probes for them. */
  readonly credentials: GcsCredentials
  /** API endpoint, for emulators; requests to it are sent without credentials. */
  readonly endpoint?: string
  /**
   * Resumable uploads send one request per chunk of this many bytes (a multiple of 256 KiB), so a
   * transient failure resumes from the last chunk the server confirmed, at the cost of holding one
   * chunk in memory. Undefined: one streaming request per upload.
   */
  readonly uploadChunkBytes?: number
}

/**
 * Runs `make` with STORAGE_EMULATOR_HOST as a URL. Emulators document it as a bare `host:port`
 * (firebase, fake-gcs-server), which the library takes as its base URL as it is and then refuses
 * ("Only HTTP(S) protocols are supported"). The library reads it when a client is made; the
 * variable is put back at once, so nothing else in the process sees a change.
 */
function withEmulatorHostUrl<T>(make: () => T): T {
  const host = process.env.STORAGE_EMULATOR_HOST
  if (host === undefined || host.trim() === '' || /^[a-z][a-z0-9+.-]*:\/\//i.test(host.trim())) return make()
  process.env.STORAGE_EMULATOR_HOST = `http://${host.trim()}`
  try {
    return make()
  } finally {
    process.env.STORAGE_EMULATOR_HOST = host
  }
}

/** A GcsClient over @google-cloud/storage, with the credentials weir resolved. */
export function createStorageGcsClient(options: StorageGcsClientOptions): GcsClient {
  const settings = {
    projectId: options.projectId,
    // A key file is read directly: the library's credential search (which ends at the metadata server) never runs.
    ...(options.credentials.kind === 'file' && { keyFilename: options.credentials.path }),
    ...(options.endpoint === undefined ? {} : { apiEndpoint: options.endpoint }),
  }
  // For resumable uploads and reads: retries conditionally idempotent calls (our uploads carry
  // generation preconditions) and resumes an upload from the last chunk the server confirmed.
  const [storage, once] = withEmulatorHostUrl(() => [
    new Storage({ ...settings, retryOptions: { autoRetry: true, maxRetries: 3 } }),
    // For the calls the byte store retries itself (metadata, in-memory uploads): a second layer of
    // retries under it, with seconds of backoff, made an unreachable endpoint cost minutes per write.
    new Storage({ ...settings, retryOptions: { autoRetry: false } }),
  ])
  const statOf = (metadata: FileMetadata): GcsObjectStat => ({ generation: String(metadata.generation), size: Number(metadata.size) })
  // The metadata server (opted in) had no service account either: the same clear error, never retried.
  const explain = (error: unknown): unknown => (NO_CREDENTIALS.test((error as Error | null)?.message ?? '') ? noCredentials(options.bucket, error) : error)
  // Asked for before the first request: when the library finds no credentials it sends requests
  // anonymously and retries what fails, which hides the real problem for minutes.
  let authenticated: Promise<void> | undefined
  const authenticate = (): Promise<void> => {
    if (options.credentials.kind !== 'metadata') return Promise.resolve()
    authenticated ??= storage.authClient.getClient().then(
      () => undefined,
      (error: unknown) => {
        authenticated = undefined
        throw explain(error)
      },
    )
    return authenticated
  }

  return {
    async put(bucket, name, body, put) {
      put.signal.throwIfAborted()
      await authenticate()
      const file = (put.resumable ? storage : once).bucket(bucket).file(name)
      const writeOptions: CreateWriteStreamOptions = {
        resumable: put.resumable,
        ...(put.resumable && options.uploadChunkBytes !== undefined && { chunkSize: options.uploadChunkBytes }),
        validation: 'crc32c',
        contentType: put.contentType,
        preconditionOpts: { ifGenerationMatch: Number(put.ifGenerationMatch) },
      }
      const source = body instanceof Uint8Array ? Readable.from([Buffer.from(body.buffer, body.byteOffset, body.byteLength)]) : body
      await pipeline(source, file.createWriteStream(writeOptions), { signal: put.signal }).catch((error: unknown) => {
        throw explain(error)
      })
      // The upload response fills file.metadata with the generation this upload created.
      if (file.metadata.generation !== undefined && file.metadata.size !== undefined) return statOf(file.metadata)
      const [metadata] = await file.getMetadata()
      return statOf(metadata)
    },

    async stat(bucket, name) {
      await authenticate()
      try {
        const [metadata] = await once.bucket(bucket).file(name).getMetadata()
        return statOf(metadata)
      } catch (error) {
        if (statusOf(error) === 404) return undefined
        throw explain(error)
      }
    },

    get(bucket, name, generation, signal) {
      const file = storage.bucket(bucket).file(name, { generation: Number(generation) })
      // No credentials check here: a read always follows a stat, which has authenticated.
      return addAbortSignal(signal, file.createReadStream({ validation: 'crc32c' }))
    },

    async list(bucket, prefix, signal) {
      signal.throwIfAborted()
      await authenticate()
      const [files] = await once.bucket(bucket).getFiles({ prefix, autoPaginate: true }).catch((error: unknown) => {
        throw explain(error)
      })
      return files.map((f) => f.name)
    },

    async delete(bucket, name, signal) {
      signal.throwIfAborted()
      await authenticate()
      await once.bucket(bucket).file(name).delete({ ignoreNotFound: true }).catch((error: unknown) => {
        throw explain(error)
      })
    },
  }
}
