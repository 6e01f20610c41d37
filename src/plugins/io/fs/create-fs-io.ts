/** Builds the `fs` IoManager: a byte-store IoManager over files under a root folder. */
import { resolve } from 'node:path'
import type { IoManager, PluginEnv } from '../../types.ts'
import { createByteStoreIo } from '../byte-store-io.ts'
import { createFsByteStore } from './fs-byte-store.ts'
import type { FsIoConfig } from './index.ts'

/** The root folder of an fs IoManager: `config.root` or `<stateDir>/data`, against `env.cwd`. */
export function resolveFsRoot(config: FsIoConfig, env: PluginEnv): string {
  return config.root === undefined ? resolve(env.cwd, env.stateDir, 'data') : resolve(env.cwd, config.root)
}

export function createFsIo(config: FsIoConfig, env: PluginEnv): IoManager {
  const store = createFsByteStore({ root: resolveFsRoot(config, env), cwd: env.cwd })
  return createByteStoreIo('fs', store, config.compression === undefined ? {} : { compression: config.compression })
}
