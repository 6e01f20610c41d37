/** Builds the `gcs` IoManager: a byte-store IoManager over a GcsClient. */
import type { IoManager } from '../../types.ts'
import { createByteStoreIo } from '../byte-store-io.ts'
import type { GcsClient } from './gcs-client.ts'
import { createGcsByteStore } from './gcs-byte-store.ts'
import { resolveGcsCredentials } from './gcs-credentials.ts'
import type { GcsIoConfig } from './index.ts'

/** @default 8 MiB: smaller bodies go up in one request, larger ones and all streams resumably. */
export const DEFAULT_RESUMABLE_THRESHOLD_BYTES = 8 * 1024 * 1024

/** @default 16 MiB against Google Cloud; with an `endpoint` (emulators) uploads are not chunked. */
export const DEFAULT_UPLOAD_CHUNK_BYTES = 16 * 1024 * 1024

/** Chunk size of resumable uploads: the config's, else 16 MiB, else (emulators) none. */
export function resolveUploadChunkBytes(config: GcsIoConfig): number | undefined {
  if (config.uploadChunkBytes !== undefined) return config.uploadChunkBytes === 0 ? undefined : config.uploadChunkBytes
  // The firebase-tools emulator keeps only the first chunk of a chunked upload.
  return config.endpoint === undefined ? DEFAULT_UPLOAD_CHUNK_BYTES : undefined
}

/**
 * The project id given to the Google client. Object reads and writes do not use it, but without one
 * the auth library asks the cloud metadata server (169.254.169.254) for it.
 */
export function resolveProjectId(config: GcsIoConfig, env: NodeJS.ProcessEnv = process.env): string {
  return config.projectId ?? env.GOOGLE_CLOUD_PROJECT ?? env.GCLOUD_PROJECT ?? 'weir-no-project'
}

/**
 * The real Cloud Storage client for a gcs config. Throws IO_NO_CREDENTIALS when there are no
 * credentials, before the library is even loaded: failing now instead of probing a metadata server.
 */
export async function createGcsClient(config: GcsIoConfig): Promise<GcsClient> {
  const credentials = resolveGcsCredentials(config)
  const uploadChunkBytes = resolveUploadChunkBytes(config)
  return (await import('./storage-gcs-client.ts')).createStorageGcsClient({
    projectId: resolveProjectId(config),
    bucket: config.bucket,
    credentials,
    ...(config.endpoint === undefined ? {} : { endpoint: config.endpoint }),
    ...(uploadChunkBytes === undefined ? {} : { uploadChunkBytes }),
  })
}

/** Creates the IoManager; `client` replaces the real Cloud Storage client (tests pass an in-memory one). */
export async function createGcsIo(config: GcsIoConfig, client?: GcsClient): Promise<IoManager> {
  const gcs = client ?? (await createGcsClient(config))
  const store = createGcsByteStore(gcs, {
    bucket: config.bucket,
    ...(config.prefix === undefined ? {} : { prefix: config.prefix }),
    resumableThresholdBytes: config.resumableThresholdBytes ?? DEFAULT_RESUMABLE_THRESHOLD_BYTES,
    maxAttempts: 4,
    retryDelayMs: 250,
  })
  return createByteStoreIo('gcs', store, config.compression === undefined ? {} : { compression: config.compression })
}
