import type { IoPlugin } from '../../types.ts'

export interface FsIoConfig {
  /** Folder for outputs; relative paths are resolved against the working directory. @default `.weir/data` */
  readonly root?: string
  /** Parquet compression for table outputs. @default `zstd` */
  readonly compression?: 'zstd' | 'snappy' | 'gzip' | 'lz4' | 'none'
}

/** Files on the local disk: the embedded default. */
export const fsIo: IoPlugin<FsIoConfig> = {
  type: 'fs',
  configSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      root: { type: 'string', description: 'Folder for outputs (default .weir/data).' },
      compression: { enum: ['zstd', 'snappy', 'gzip', 'lz4', 'none'], description: 'Parquet compression for tables (default zstd).' },
    },
  },
  create() {
    throw new Error('fs IoManager: not implemented yet')
  },
}
