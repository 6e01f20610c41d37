import type { IoPlugin } from '../../types.ts'
import { createLazyIo } from '../lazy-io.ts'
import { gcsRemote } from './remote.ts'
import { PARQUET_COMPRESSIONS, type ParquetCompression } from '../table/compression.ts'

export interface GcsIoConfig {
  /** Bucket that outputs are written to. */
  readonly bucket: string
  /** Object-name prefix for all outputs, e.g. `weir` → `gs://bucket/weir/<pipeline>/<run>/<task>/…`. */
  readonly prefix?: string
  /** API endpoint, for emulators (e.g. http://127.0.0.1:9023); requests to it carry no credentials. */
  readonly endpoint?: string
  /** Google Cloud project id. @default `$GOOGLE_CLOUD_PROJECT`, `$GCLOUD_PROJECT` */
  readonly projectId?: string
  /**
   * Let the client ask the cloud metadata server (169.254.169.254) for the machine's service account
   * when no credentials file is found: what a VM or pod on Google Cloud needs. Off Google Cloud that
   * probe hangs, so it is off unless set here or by `WEIR_GCS_ALLOW_METADATA=1`. @default false
   */
  readonly metadata?: boolean
  /** Parquet compression for table outputs. @default `zstd` */
  readonly compression?: ParquetCompression
  /** Bodies in memory this large or larger use a resumable upload; streams always do. @default 8388608 (8 MiB) */
  readonly resumableThresholdBytes?: number
  /**
   * Resumable uploads go up in chunks of this many bytes (a multiple of 256 KiB), so a transient
   * failure resumes from the last confirmed chunk; memory holds one chunk. `0`: one streaming
   * request per upload. @default 16777216 (16 MiB); `0` when `endpoint` is set (emulators)
   */
  readonly uploadChunkBytes?: number
}

/**
 * Google Cloud Storage, with a credentials file (GOOGLE_APPLICATION_CREDENTIALS or gcloud's), the
 * metadata server when allowed, or none for an emulator (see gcs-credentials.ts).
 * Outputs go to `gs://<bucket>/<prefix>/<pipeline>/<run>/<task>/output.<ext>`.
 */
export const gcsIo: IoPlugin<GcsIoConfig> = {
  type: 'gcs',
  configSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['bucket'],
    properties: {
      bucket: { type: 'string', minLength: 3, maxLength: 222, pattern: '^[a-z0-9][a-z0-9._-]*[a-z0-9]$', description: 'Bucket name.', examples: ['acme-lake'] },
      prefix: { type: 'string', description: 'Object name prefix for all outputs.', examples: ['weir'] },
      endpoint: { type: 'string', pattern: '^https?://', description: 'API endpoint, for emulators.', examples: ['http://127.0.0.1:9023'] },
      projectId: { type: 'string', description: 'Google Cloud project id (default: $GOOGLE_CLOUD_PROJECT).' },
      metadata: {
        type: 'boolean',
        default: false,
        description: "Use the cloud metadata server's service account when no credentials file is found (on Google Cloud); also WEIR_GCS_ALLOW_METADATA=1.",
      },
      compression: { enum: [...PARQUET_COMPRESSIONS], default: 'zstd', description: 'Parquet compression for table outputs (default zstd).' },
      resumableThresholdBytes: { type: 'integer', minimum: 0, default: 8388608, description: 'Bodies this large use resumable uploads (streams always do).' },
      uploadChunkBytes: {
        type: 'integer',
        minimum: 0,
        multipleOf: 262144,
        default: 16777216,
        description: 'Chunk size of resumable uploads (multiple of 256 KiB); 0 sends one request per upload. Default 16 MiB, 0 with an endpoint.',
      },
    },
  },
  remote: gcsRemote,
  create(config) {
    return createLazyIo(async () => (await import('./create-gcs-io.ts')).createGcsIo(config), { cache: true })
  },
}
