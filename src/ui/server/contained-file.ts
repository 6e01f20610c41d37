/**
 * Opening a file the page asked about (a task's log, an output) only when it really lies inside a
 * folder of the store: the path is resolved with every symlink followed (`realpath`) and must stay
 * under the folder's own real path, and the file is opened with O_NOFOLLOW so a symlink swapped in
 * afterwards is refused too. `..`, percent-encoded `..` and symlinks pointing out all end here.
 */
import { constants } from 'node:fs'
import { open, realpath } from 'node:fs/promises'
import type { FileHandle } from 'node:fs/promises'
import { sep } from 'node:path'

/** Whether `path` is `root` or below it (both absolute and real). */
export function isInside(path: string, root: string): boolean {
  return path === root || path.startsWith(root.endsWith(sep) ? root : root + sep)
}

/** Opens `path` for reading if it is a regular file inside `root`; undefined when missing or outside. */
export async function openContained(path: string, root: string): Promise<FileHandle | undefined> {
  let real: string
  let realRoot: string
  try {
    ;[real, realRoot] = await Promise.all([realpath(path), realpath(root)])
  } catch {
    return undefined
  }
  if (!isInside(real, realRoot)) return undefined
  let handle: FileHandle
  try {
    handle = await open(real, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK)
  } catch {
    return undefined
  }
  if (!(await handle.stat()).isFile()) {
    await handle.close()
    return undefined
  }
  return handle
}
