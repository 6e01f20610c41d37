/**
 * Where another process finds `gcs` outputs: `gs://<bucket>/<prefix>/<pipeline>/<run>/<task>`, and
 * any `gs://` URI through a client with the endpoint and project of the pipeline's `gcs` entry for
 * that bucket (the defaults when it has none).
 */
import type { RemoteIo } from '../../types.ts'
import { keyFolder } from '../output-location.ts'
import { formatGsUri, joinObjectName } from './gcs-uri.ts'
import type { GcsIoConfig } from './index.ts'

export const gcsRemote: RemoteIo<GcsIoConfig> = {
  scheme: 'gs:',
  folderOf(key, config) {
    return formatGsUri({ bucket: config.bucket, name: joinObjectName(config.prefix ?? '', keyFolder(key)) })
  },
  async openStore(uri, configs) {
    const bucket = uri.slice('gs://'.length).split('/')[0]!
    const config = configs.find((c) => c.bucket === bucket) ?? { bucket }
    const [{ createStorageGcsClient }, { createGcsByteStore }, { resolveProjectId }] = await Promise.all([
      import('./storage-gcs-client.ts'),
      import('./gcs-byte-store.ts'),
      import('./create-gcs-io.ts'),
    ])
    const client = createStorageGcsClient({ projectId: resolveProjectId(config), ...(config.endpoint !== undefined && { endpoint: config.endpoint }) })
    return createGcsByteStore(client, { bucket, resumableThresholdBytes: 8 * 1024 * 1024, maxAttempts: 4, retryDelayMs: 250 })
  },
}
