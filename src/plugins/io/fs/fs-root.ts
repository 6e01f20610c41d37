/** The root folder of an `fs` IoManager, shared by the IoManager and its remote layout. */
import { resolve } from 'node:path'
import type { PluginEnv } from '../../types.ts'
import type { FsIoConfig } from './index.ts'

/** `config.root` or `<stateDir>/data`, against `env.cwd`. */
export function resolveFsRoot(config: FsIoConfig, env: Pick<PluginEnv, 'cwd' | 'stateDir'>): string {
  return config.root === undefined ? resolve(env.cwd, env.stateDir, 'data') : resolve(env.cwd, config.root)
}
