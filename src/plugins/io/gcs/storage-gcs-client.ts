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

export interface StorageGcsClientOptions {
  /** Always set: without one the auth library asks the cloud metadata server for it. */
  readonly projectId: string
  /** API endpoint, for emulators; requests to it are sent without credentials. */
  readonly endpoint?: string
  /**
   * Resumable uploads send one request per chunk of this many bytes (a multiple of 256 KiB), so a
   * transient failure resumes from the last chunk the server confirmed, at the cost of holding one
   * chunk in memory. Undefined: one streaming request per upload.
   */
  readonly uploadChunkBytes?: number
}

/** A GcsClient over @google-cloud/storage, with the standard Google credentials (ADC). */
export function createStorageGcsClient(options: StorageGcsClientOptions): GcsClient {
  const storage = new Storage({
    projectId: options.projectId,
    ...(options.endpoint === undefined ? {} : { apiEndpoint: options.endpoint }),
    // Retries conditionally idempotent calls; our uploads carry generation preconditions.
    retryOptions: { autoRetry: true, maxRetries: 3 },
  })
  const statOf = (metadata: FileMetadata): GcsObjectStat => ({ generation: String(metadata.generation), size: Number(metadata.size) })

  return {
    async put(bucket, name, body, put) {
      put.signal.throwIfAborted()
      const file = storage.bucket(bucket).file(name)
      const writeOptions: CreateWriteStreamOptions = {
        resumable: put.resumable,
        ...(put.resumable && options.uploadChunkBytes !== undefined && { chunkSize: options.uploadChunkBytes }),
        validation: 'crc32c',
        contentType: put.contentType,
        preconditionOpts: { ifGenerationMatch: Number(put.ifGenerationMatch) },
      }
      const source = body instanceof Uint8Array ? Readable.from([Buffer.from(body.buffer, body.byteOffset, body.byteLength)]) : body
      await pipeline(source, file.createWriteStream(writeOptions), { signal: put.signal })
      // The upload response fills file.metadata with the generation this upload created.
      if (file.metadata.generation !== undefined && file.metadata.size !== undefined) return statOf(file.metadata)
      const [metadata] = await file.getMetadata()
      return statOf(metadata)
    },

    async stat(bucket, name) {
      try {
        const [metadata] = await storage.bucket(bucket).file(name).getMetadata()
        return statOf(metadata)
      } catch (error) {
        if (statusOf(error) === 404) return undefined
        throw error
      }
    },

    get(bucket, name, generation, signal) {
      const file = storage.bucket(bucket).file(name, { generation: Number(generation) })
      return addAbortSignal(signal, file.createReadStream({ validation: 'crc32c' }))
    },
  }
}
