/** Builds the `fs` IoManager: a byte-store IoManager over files under a root folder. */
import type { IoManager, PluginEnv } from '../../types.ts'
import { createByteStoreIo } from '../byte-store-io.ts'
import { createFsByteStore } from './fs-byte-store.ts'
import type { FsIoConfig } from './index.ts'
import { resolveFsRoot } from './fs-root.ts'

export function createFsIo(config: FsIoConfig, env: PluginEnv): IoManager {
  const store = createFsByteStore({ root: resolveFsRoot(config, env), cwd: env.cwd })
  return createByteStoreIo('fs', store, config.compression === undefined ? {} : { compression: config.compression })
}
