/**
 * Where another process finds `gcs` outputs: `gs://<bucket>/<prefix>/<pipeline>/<run>/<task>`, and
 * any `gs://` URI through a client with the endpoint and project of the pipeline's `gcs` entry for
 * that bucket. A bucket no entry names (an `--inputs` or `--output-prefix` elsewhere) gets the
 * service of the pipeline's first `gcs` entry: a pipeline pointed at an emulator must never reach
 * Google's servers, with whatever credentials the machine holds, because a URI named another
 * bucket. Only a pipeline with no `gcs` entry at all uses the library's defaults.
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
    const config = configs.find((c) => c.bucket === bucket) ?? (configs[0] ? { ...configs[0], bucket } : { bucket })
    const [{ createGcsClient }, { createGcsByteStore }] = await Promise.all([import('./create-gcs-io.ts'), import('./gcs-byte-store.ts')])
    // Credentials are chosen as for the IoManager (never a metadata server unless opted in). Not
    // chunked: these documents are small (and the emulator keeps only a chunked upload's first chunk).
    const client = await createGcsClient({ ...config, bucket, uploadChunkBytes: 0 })
    return createGcsByteStore(client, { bucket, resumableThresholdBytes: 8 * 1024 * 1024, maxAttempts: 4, retryDelayMs: 250 })
  },
}
