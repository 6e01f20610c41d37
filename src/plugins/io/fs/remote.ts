/**
 * Where another process finds `fs` outputs: the folder `<root>/<pipeline>/<run>/<task>` as a
 * `file://` URI, and any `file://` URI through the same atomic byte store the IoManager writes with.
 */
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { RemoteIo } from '../../types.ts'
import { keyFolder } from '../output-location.ts'
import type { FsIoConfig } from './index.ts'
import { resolveFsRoot } from './fs-root.ts'

export const fsRemote: RemoteIo<FsIoConfig> = {
  scheme: 'file:',
  folderOf(key, config, env) {
    return pathToFileURL(join(resolveFsRoot(config, env), keyFolder(key))).href
  },
  async openStore(_uri, _configs, env) {
    const { createFsByteStore } = await import('./fs-byte-store.ts')
    return createFsByteStore({ root: env.cwd, cwd: env.cwd })
  },
}
