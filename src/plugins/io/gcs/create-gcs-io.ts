/** Builds the `gcs` IoManager: a byte-store IoManager over a GcsClient. */
import type { IoManager } from '../../types.ts'
import { createByteStoreIo } from '../byte-store-io.ts'
import type { GcsClient } from './gcs-client.ts'
import { createGcsByteStore } from './gcs-byte-store.ts'
import type { GcsIoConfig } from './index.ts'

/** @default 8 MiB: smaller bodies go up in one request, larger ones and all streams resumably. */
export const DEFAULT_RESUMABLE_THRESHOLD_BYTES = 8 * 1024 * 1024

/**
 * The project id given to the Google client. Object reads and writes do not use it, but without one
 * the auth library asks the cloud metadata server (169.254.169.254) for it.
 */
export function resolveProjectId(config: GcsIoConfig, env: NodeJS.ProcessEnv = process.env): string {
  return config.projectId ?? env.GOOGLE_CLOUD_PROJECT ?? env.GCLOUD_PROJECT ?? 'weir-no-project'
}

/** Creates the IoManager; `client` replaces the real Cloud Storage client (tests pass an in-memory one). */
export async function createGcsIo(config: GcsIoConfig, client?: GcsClient): Promise<IoManager> {
  const gcs =
    client ??
    (await import('./storage-gcs-client.ts')).createStorageGcsClient({
      projectId: resolveProjectId(config),
      ...(config.endpoint === undefined ? {} : { endpoint: config.endpoint }),
    })
  const store = createGcsByteStore(gcs, {
    bucket: config.bucket,
    ...(config.prefix === undefined ? {} : { prefix: config.prefix }),
    resumableThresholdBytes: config.resumableThresholdBytes ?? DEFAULT_RESUMABLE_THRESHOLD_BYTES,
    maxAttempts: 4,
    retryDelayMs: 250,
  })
  return createByteStoreIo('gcs', store, config.compression === undefined ? {} : { compression: config.compression })
}
