/** Builds the `fs` IoManager: a byte-store IoManager over files under a root folder. */
import type { IoManager, PluginEnv } from '../../types.ts'
import { createByteStoreIo } from '../byte-store-io.ts'
import { createFsByteStore } from './fs-byte-store.ts'
import type { FsIoConfig } from './index.ts'
import { resolveFsRoot } from './fs-root.ts'
import { makeStateDirSync } from '../make-dirs.ts'
import { resolve } from 'node:path'

export function createFsIo(config: FsIoConfig, env: PluginEnv): IoManager {
  // Outputs kept in the state dir (no `root`): made readable by this user only, like the run store.
  if (config.root === undefined) makeStateDirSync(resolve(env.cwd, env.stateDir))
  const store = createFsByteStore({ root: resolveFsRoot(config, env), cwd: env.cwd })
  return createByteStoreIo('fs', store, config.compression === undefined ? {} : { compression: config.compression })
}
