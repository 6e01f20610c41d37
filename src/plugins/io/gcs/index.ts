import type { IoPlugin } from '../../types.ts'

export interface GcsIoConfig {
  readonly bucket: string
  readonly prefix?: string
  /** API endpoint, for emulators (e.g. http://127.0.0.1:9023). */
  readonly endpoint?: string
  readonly projectId?: string
  readonly compression?: 'zstd' | 'snappy' | 'gzip' | 'lz4' | 'none'
}

/** Google Cloud Storage. */
export const gcsIo: IoPlugin<GcsIoConfig> = {
  type: 'gcs',
  configSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['bucket'],
    properties: {
      bucket: { type: 'string', minLength: 3, description: 'Bucket name.' },
      prefix: { type: 'string', description: 'Object name prefix for all outputs.' },
      endpoint: { type: 'string', description: 'API endpoint, for emulators.' },
      projectId: { type: 'string', description: 'Google Cloud project id.' },
      compression: { enum: ['zstd', 'snappy', 'gzip', 'lz4', 'none'], description: 'Parquet compression for tables (default zstd).' },
    },
  },
  create() {
    throw new Error('gcs IoManager: not implemented yet')
  },
}
