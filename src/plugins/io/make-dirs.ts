/**
 * `mkdir -p` that always ends. Node's own `mkdir(dir, { recursive: true })` loops forever, at full
 * CPU, when a folder exists but cannot hold children (a path under /proc or /sys): mkdir of the child
 * says ENOENT, so it makes the parent (EEXIST) and tries the child again, and again. Here, once the
 * parent exists, a second ENOENT is the answer. A `--state-dir` or `--out` in such a place is then an
 * error naming the path instead of a hang.
 */
import { promises as fsp, mkdirSync, statSync } from 'node:fs'
import { dirname, resolve } from 'node:path'

type FsError = Error & { code?: string }

/** Creates `dir` and its missing parents (`mode` for each one created), like `mkdir(dir, { recursive: true })`. */
export async function makeDirs(dir: string, mode?: number): Promise<void> {
  const path = resolve(dir)
  const first = await attempt(() => fsp.mkdir(path, { mode }))
  if (first === undefined || (await isExistingDir(first, path))) return
  const parent = dirname(path)
  if (first.code !== 'ENOENT' || parent === path) throw first
  await makeDirs(parent, mode)
  const again = await attempt(() => fsp.mkdir(path, { mode }))
  if (again !== undefined && !(await isExistingDir(again, path))) throw again
}

/**
 * Makes the state dir when it is missing, readable by this user only (0700): it holds task outputs,
 * logs and run history, which other users of the machine have no business reading (a umask of 022
 * would make them world-readable). Its parents are made as usual; a folder that exists is left as
 * its owner set it (a team may share one on purpose).
 */
export function makeStateDirSync(dir: string): void {
  const path = resolve(dir)
  if (statSync(path, { throwIfNoEntry: false }) !== undefined) return
  makeDirsSync(dirname(path))
  const error = attemptSync(() => mkdirSync(path, { mode: 0o700 }))
  if (error !== undefined && !isExistingDirSync(error, path)) throw error
}

/** The synchronous twin of `makeDirs`, for the few calls that must not wait for the thread pool. */
export function makeDirsSync(dir: string, mode?: number): void {
  const path = resolve(dir)
  const first = attemptSync(() => mkdirSync(path, { mode }))
  if (first === undefined || isExistingDirSync(first, path)) return
  const parent = dirname(path)
  if (first.code !== 'ENOENT' || parent === path) throw first
  makeDirsSync(parent, mode)
  const again = attemptSync(() => mkdirSync(path, { mode }))
  if (again !== undefined && !isExistingDirSync(again, path)) throw again
}

async function attempt(fn: () => Promise<unknown>): Promise<FsError | undefined> {
  try {
    await fn()
    return undefined
  } catch (error) {
    return error as FsError
  }
}

function attemptSync(fn: () => unknown): FsError | undefined {
  try {
    fn()
    return undefined
  } catch (error) {
    return error as FsError
  }
}

/** EEXIST for a folder (or a link to one) is success, as with `recursive: true`; for a file it stays an error. */
async function isExistingDir(error: FsError, path: string): Promise<boolean> {
  if (error.code !== 'EEXIST') return false
  return (await fsp.stat(path).catch(() => undefined))?.isDirectory() === true
}

function isExistingDirSync(error: FsError, path: string): boolean {
  if (error.code !== 'EEXIST') return false
  try {
    return statSync(path).isDirectory()
  } catch {
    return false
  }
}
