/** Builds the `memory` IoManager: a byte-store IoManager over a Map in this process. */
import type { IoManager } from '../../types.ts'
import { createByteStoreIo } from '../byte-store-io.ts'
import { createMemoryByteStore } from './memory-byte-store.ts'
import type { MemoryIoConfig } from './index.ts'

export function createMemoryIo(config: MemoryIoConfig): IoManager {
  return createByteStoreIo('memory', createMemoryByteStore(), config.compression === undefined ? {} : { compression: config.compression })
}
