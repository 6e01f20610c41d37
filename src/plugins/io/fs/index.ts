import type { IoPlugin } from '../../types.ts'
import { createLazyIo } from '../lazy-io.ts'
import { fsRemote } from './remote.ts'
import { PARQUET_COMPRESSIONS, type ParquetCompression } from '../table/compression.ts'

export interface FsIoConfig {
  /** Folder for outputs; relative paths are resolved against the working directory. @default `<stateDir>/data` (`.weir/data`) */
  readonly root?: string
  /** Parquet compression for table outputs. @default `zstd` */
  readonly compression?: ParquetCompression
}

/**
 * Files on the local disk: the embedded default. Outputs go to `<root>/<pipeline>/<run>/<task>/`
 * as `output.json`, `output.bin` or `output.parquet`, written atomically; URIs are `file://`.
 */
export const fsIo: IoPlugin<FsIoConfig> = {
  type: 'fs',
  configSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      root: { type: 'string', minLength: 1, description: 'Folder for outputs, relative to the working directory (default .weir/data).', examples: ['.weir/data', '/mnt/weir'] },
      compression: { enum: [...PARQUET_COMPRESSIONS], default: 'zstd', description: 'Parquet compression for table outputs (default zstd).' },
    },
  },
  remote: fsRemote,
  create(config, env) {
    return createLazyIo(async () => (await import('./create-fs-io.ts')).createFsIo(config, env), { cache: true })
  },
}
