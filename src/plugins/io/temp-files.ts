/**
 * Temp files of atomic writes (write a temp file, then rename it over the target), named so that a
 * later process can tell whether their writer still lives: `.<name>.<pid>.<host tag>.<random>.tmp`.
 * The fs IoManager and the run store write this way. A kill -9 during a write leaves one behind, as
 * large as the output was when it died; a resume and `weir runs gc` remove those whose writer is
 * dead, and never one whose writer lives: it is about to rename it into place. A writer on another
 * machine (a shared folder) cannot be checked, so its files stay.
 *
 * Also recognised: `<name>.json.<pid>.tmp` (the scheduler's state, written on this machine), and
 * `.<name>.<uuid>.tmp` of weir versions that did not name the writer, which counts as left over
 * once nobody has written to it for an hour.
 */
import type { Dirent } from 'node:fs'
import { lstat, readdir, unlink } from 'node:fs/promises'
import { hostname } from 'node:os'
import { basename, dirname, join } from 'node:path'
import { isProcessAlive } from './process-alive.ts'
import { randomId } from './random-id.ts'
import { shortHash } from '../../spec/short-hash.ts'

/**
 * This machine in a temp file's name: short, and the same in every process. FNV-1a of the host
 * name, not a sha256 (weir did that before): node:crypto costs a task process more than its writes.
 */
const HOST_TAG = shortHash(hostname())

/** The tags of this machine: its own and the one earlier weir versions gave it (the first 8 hex digits of the host name's sha256). */
async function thisMachineTags(): Promise<readonly string[]> {
  const { createHash } = await import('node:crypto')
  return [HOST_TAG, createHash('sha256').update(hostname()).digest('hex').slice(0, 8)]
}

/** How long an unnamed writer's temp file (or a run folder without a journal header) must lie untouched before it counts as left over. */
export const UNNAMED_WRITER_IDLE_MS = 60 * 60 * 1000

const NAMED = /^\..+\.(\d+)\.([0-9a-f]{8})\.[0-9a-f-]{36}\.tmp$/
const UNNAMED = /^\..+\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.tmp$/
const LOCAL_JSON = /^.+\.json\.(\d+)\.tmp$/

/** The temp file for writing `file` atomically from this process. */
export function tempPathFor(file: string): string {
  return join(dirname(file), `.${basename(file)}.${process.pid}.${HOST_TAG}.${randomId()}.tmp`)
}

/**
 * Whether a file name is a temp file left by a dead writer; undefined when it is no temp file at all.
 * `hostTags`: the tags that name this machine (a writer elsewhere cannot be checked).
 */
export function isLeftOver(name: string, modifiedAtMs: number, nowMs: number, hostTags: readonly string[] = [HOST_TAG]): boolean | undefined {
  const named = NAMED.exec(name)
  if (named) return hostTags.includes(named[2]!) && !isProcessAlive(Number(named[1]), hostname())
  if (UNNAMED.test(name)) return nowMs - modifiedAtMs >= UNNAMED_WRITER_IDLE_MS
  const local = LOCAL_JSON.exec(name)
  if (local) return !isProcessAlive(Number(local[1]), hostname())
  return undefined
}

/** A temp file that was removed. */
export interface RemovedTempFile {
  readonly path: string
  readonly bytes: number
}

/**
 * Removes the temp files of dead writers in `folder` and every folder below it (symbolic links are
 * not followed). A folder that does not exist has none.
 */
export async function removeLeftOverTempFiles(folder: string): Promise<RemovedTempFile[]> {
  const removed: RemovedTempFile[] = []
  const hostTags = await thisMachineTags()
  const pending = [folder]
  while (pending.length > 0) {
    const dir = pending.pop()!
    let entries: Dirent[]
    try {
      entries = await readdir(dir, { withFileTypes: true })
    } catch {
      continue
    }
    for (const entry of entries) {
      const path = join(dir, entry.name)
      if (entry.isDirectory()) pending.push(path)
      else if (entry.isFile() && entry.name.endsWith('.tmp')) {
        const info = await lstat(path).catch(() => undefined)
        if (!info || isLeftOver(entry.name, info.mtimeMs, Date.now(), hostTags) !== true) continue
        if (await unlink(path).then(() => true, () => false)) removed.push({ path, bytes: info.size })
      }
    }
  }
  return removed
}
