import type { IoPlugin } from '../../types.ts'
import { createLazyIo } from '../lazy-io.ts'
import { PARQUET_COMPRESSIONS, type ParquetCompression } from '../table/compression.ts'

export interface MemoryIoConfig {
  /** Parquet compression for table outputs (tables are held as Parquet, as on disk). @default `zstd` */
  readonly compression?: ParquetCompression
}

/**
 * Outputs kept in this process's memory: for tests and in-process runs. Each created instance has
 * its own store; outputs are gone when it is. URIs are `memory://<pipeline>/<run>/<task>/output.<ext>`.
 */
export const memoryIo: IoPlugin<MemoryIoConfig> = {
  type: 'memory',
  configSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      compression: { enum: [...PARQUET_COMPRESSIONS], default: 'zstd', description: 'Parquet compression for table outputs (default zstd).' },
    },
  },
  create(config) {
    return createLazyIo(async () => (await import('./create-memory-io.ts')).createMemoryIo(config ?? {}), { cache: true })
  },
}
