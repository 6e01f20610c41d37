/** The root folder of an `fs` IoManager, shared by the IoManager and its remote layout. */
import { resolve } from 'node:path'
import type { PluginEnv } from '../../types.ts'
import type { FsIoConfig } from './index.ts'
import { IoError } from '../io-error.ts'

/** `config.root` or `<stateDir>/data`, against `env.cwd`. */
export function resolveFsRoot(config: FsIoConfig, env: Pick<PluginEnv, 'cwd' | 'stateDir'>): string {
  if (config.root === undefined) return resolve(env.cwd, env.stateDir, 'data')
  checkRoot(config.root)
  return resolve(env.cwd, config.root)
}

/**
 * Refuses a root that names no local folder as written. Taken as a path, `gs://lake/x` and
 * `file:///data` became folders named `gs:` and `file:` under the working directory, and `~/data`
 * one named `~`: outputs landed somewhere nobody meant, with no error.
 */
function checkRoot(root: string): void {
  if (/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(root))
    throw new IoError('IO_UNSUPPORTED_URI', `The root '${root}' of an fs IoManager is a URI; root is a folder on this machine (a path, absolute or relative to the working directory). For gs:// use an IoManager of type gcs (bucket, prefix).`)
  if (root === '~' || root.startsWith('~/'))
    throw new IoError('IO_UNSUPPORTED_URI', `The root '${root}' of an fs IoManager starts with '~', which no shell expands here; write the folder's full path, or one relative to the working directory.`)
}
