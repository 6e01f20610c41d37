/**
 * The local-disk byte store behind the `fs` IoManager. Writes go to a temp file in the target
 * folder (named after the writing process: run-store/temp-files.ts), are fsynced and renamed over
 * the target, so a reader sees the old file or the whole new one; the folder is fsynced too so the
 * rename survives a crash (or, with `folderFlushedByNext`, with the next write into that folder).
 * A small body (a JSON document) is written with synchronous calls but for the fsyncs
 * (`writeSmallAtomically`), and read with one (`readSmall`: cache entries, `weir execute`'s documents);
 * `putSync` writes one with the fsyncs synchronous too, for a process on its way out.
 *
 * Cache entries (`create`, `readSmall`, and `put` with `durable: false`) are the exception: they
 * are a few hundred bytes, and losing one in a crash is harmless (it reads as a miss), so they
 * are not fsynced, and `create`, `readSmall` and `exists` use synchronous calls: one system call
 * on a local disk takes microseconds, less than one round trip through Node's thread pool
 * (0.1–0.3 ms each on a busy machine), and a cache check would otherwise make five or six of those
 * per task (`npm run bench cache`).
 */
import { promises as fsp, closeSync, fstatSync, fsync, fsyncSync, linkSync, openSync, readFileSync, realpathSync, renameSync, statSync, unlinkSync, writeFileSync, writeSync, type BigIntStats } from 'node:fs'
import type { FileHandle } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { basename, dirname, isAbsolute, join, resolve } from 'node:path'
import type { Readable } from 'node:stream'
import { fileURLToPath, pathToFileURL } from 'node:url'
import type { OutputKey } from '../../types.ts'
import type { ByteBody, ByteStore, PutOptions, PutResult } from '../byte-store.ts'
import { IoError } from '../io-error.ts'
import { keyFolder } from '../output-location.ts'
import { isInside } from '../../../spec/inside-folder.ts'
import { tempPathFor } from '../temp-files.ts'
import { makeDirs, makeDirsSync } from '../make-dirs.ts'

export interface FsByteStoreOptions {
  /** Absolute folder that key-derived outputs live under. */
  readonly root: string
  /** Folder that relative `prefix` overrides resolve against. */
  readonly cwd: string
}

/** Creates the byte store for files under `root`. */
export function createFsByteStore(options: FsByteStoreOptions): ByteStore {
  /** The root with links followed, once it exists (see `owns`); a root is not re-pointed while weir runs. */
  let realRoot: string | undefined
  return {
    scheme: 'file:',
    folderOf(key: OutputKey): string {
      const folder = key.prefix === undefined ? join(options.root, keyFolder(key)) : prefixToPath(key.prefix, options.cwd)
      return pathToFileURL(folder).href
    },
    async put(uri: string, body: ByteBody, putOptions: PutOptions) {
      const file = uriToPath(uri)
      if (body instanceof Uint8Array && body.byteLength <= SMALL_BODY_BYTES) return writeSmallAtomically(file, body, putOptions)
      return writeAtomically(file, body, putOptions)
    },
    owns(uri: string): boolean {
      let path: string
      try {
        path = resolve(uriToPath(uri))
      } catch {
        return false
      }
      if (isBelow(options.root, path)) return true
      // The same folder reached by another spelling (a state dir given once by its path and once
      // through a link to it): the entries written under one name are the store's own under the other.
      // No output is under a root that is not there yet.
      realRoot ??= realPathOrUndefined(options.root)
      return realRoot !== undefined && isBelow(realRoot, realPathOf(path))
    },
    putSync(uri: string, body: Uint8Array) {
      writeSmallNow(uriToPath(uri), body)
    },
    async openRead(uri: string, signal: AbortSignal): Promise<Readable> {
      const file = uriToPath(uri)
      const handle = await fsp.open(file, 'r').catch((error: unknown) => rethrowRead(error, uri))
      // node:stream only here: a task process that writes its JSON documents and reads nothing never loads it.
      const { addAbortSignal } = createRequire(import.meta.url)('node:stream') as typeof import('node:stream')
      return addAbortSignal(signal, handle.createReadStream())
    },
    async readAll(uri: string, signal: AbortSignal): Promise<Buffer> {
      return fsp.readFile(uriToPath(uri), { signal }).catch((error: unknown) => rethrowRead(error, uri))
    },
    async readSmall(uri: string, signal: AbortSignal): Promise<Buffer | undefined> {
      signal.throwIfAborted()
      try {
        return readFileSync(uriToPath(uri))
      } catch (error) {
        const code = (error as { code?: string }).code
        if (code === 'ENOENT' || code === 'ENOTDIR') return undefined
        return rethrowRead(error, uri)
      }
    },
    async exists(uri: string): Promise<boolean> {
      try {
        return statSync(uriToPath(uri), { throwIfNoEntry: false })?.isFile() ?? false
      } catch {
        return false
      }
    },
    async versionOf(uri: string): Promise<string | undefined> {
      try {
        const stats = statSync(uriToPath(uri), { bigint: true, throwIfNoEntry: false })
        return stats?.isFile() ? versionOf(stats) : undefined
      } catch {
        return undefined
      }
    },
    async sizeOf(uri: string): Promise<number | undefined> {
      try {
        const stats = statSync(uriToPath(uri), { throwIfNoEntry: false })
        return stats?.isFile() ? stats.size : undefined
      } catch {
        return undefined
      }
    },
    async create(uri: string, body: Uint8Array, putOptions: PutOptions): Promise<boolean> {
      return createExclusively(uriToPath(uri), body, putOptions)
    },
    async list(uri: string): Promise<string[]> {
      const folder = uriToPath(uri)
      const found = await fsp.readdir(folder, { recursive: true, withFileTypes: true }).catch((error: unknown) => {
        if ((error as { code?: string }).code === 'ENOENT') return []
        throw new IoError('IO_READ_FAILED', `Could not list '${uri}': ${(error as Error).message}`, { cause: error })
      })
      // Temp files of writers in progress start with a dot.
      return found.filter((d) => d.isFile() && !d.name.startsWith('.')).map((d) => pathToFileURL(join(d.parentPath, d.name)).href)
    },
    async remove(uri: string): Promise<void> {
      await fsp.rm(uriToPath(uri), { force: true })
    },
  }
}

/**
 * Writes a whole temp file, then hard-links it to `file`: the link fails if `file` exists, so of
 * concurrent creators exactly one wins, and a reader sees no file or the complete one. Synchronous
 * and not fsynced (see the module comment): what this creates (cache entries) may be lost or left
 * damaged by a machine crash, and a lost or damaged entry is read as a miss and replaced.
 */
function createExclusively(file: string, body: Uint8Array, options: PutOptions): boolean {
  options.signal.throwIfAborted()
  // The temp file is made in the folder above the entry's, which holds a few folders only: of the
  // three changes to folders (temp made, link, temp removed), only the link is made in the
  // entry's folder, which may hold thousands of entries.
  const temp = tempPathFor(join(dirname(dirname(file)), basename(file)))
  try {
    try {
      writeFileSync(temp, body, { flag: 'wx' })
    } catch (error) {
      // Folders are made by the first entry only: one failed call instead of a mkdir per entry.
      if ((error as { code?: string }).code !== 'ENOENT') throw error
      makeDirsSync(dirname(file))
      writeFileSync(temp, body, { flag: 'wx' })
    }
    try {
      linkSync(temp, file)
    } catch (error) {
      const code = (error as { code?: string }).code
      if (code === 'EEXIST') return false
      if (code !== 'ENOENT') throw error
      makeDirsSync(dirname(file))
      linkSync(temp, file)
    }
    return true
  } catch (cause) {
    throw new IoError('IO_WRITE_FAILED', `Could not write '${file}': ${(cause as Error).message}`, { cause })
  } finally {
    try {
      unlinkSync(temp)
    } catch {
      // Not written, or already gone: nothing to clean up.
    }
  }
}

/** Whether `path` is an object below the folder `root` (the root itself holds none). */
function isBelow(root: string, path: string): boolean {
  return path !== resolve(root) && isInside(root, path)
}

/**
 * `path` with every link on it followed; a file not there (an output deleted since) is named in the
 * real path of the nearest folder above it that is, so that its entry is still the store's own.
 */
function realPathOf(path: string): string {
  const real = realPathOrUndefined(path)
  if (real !== undefined) return real
  const up = dirname(path)
  return up === path ? path : join(realPathOf(up), basename(path))
}

function realPathOrUndefined(path: string): string | undefined {
  try {
    return realpathSync.native(path)
  } catch {
    return undefined
  }
}

/** A `file://` URI or a path (relative to `cwd`) → absolute path; other schemes are refused. */
export function prefixToPath(prefix: string, cwd: string): string {
  if (prefix.startsWith('file:')) return uriToPath(prefix)
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(prefix))
    throw new IoError('IO_UNSUPPORTED_URI', `The fs IoManager cannot write to '${prefix}'; give a file:// URI or a path, or use the IoManager for that scheme.`)
  return isAbsolute(prefix) ? prefix : resolve(cwd, prefix)
}

function uriToPath(uri: string): string {
  try {
    return fileURLToPath(uri)
  } catch (cause) {
    throw new IoError('IO_UNSUPPORTED_URI', `'${uri}' is not a valid file:// URI.`, { cause })
  }
}

/**
 * Bodies up to this size are written by `writeSmallAtomically`: a JSON document (a task's values,
 * an output of a few KB) is written in one write(2) of microseconds, less than a round trip
 * through the thread pool; above it a write may take long enough to hold up the event loop.
 */
const SMALL_BODY_BYTES = 256 * 1024

/**
 * The same steps and guarantees as `writeAtomically` (temp file, fsync, rename, fsync of the
 * folder), with the quick system calls made synchronously and only the two fsyncs sent to the
 * thread pool: an fsync may wait on the disk for milliseconds, which must not stop the event loop
 * of a run with other tasks going, while each of the others takes microseconds and was a round
 * trip of its own (11 per file; 2 now). A `weir execute` writes two such files per task.
 */
async function writeSmallAtomically(file: string, body: Uint8Array, options: PutOptions): Promise<PutResult> {
  options.signal.throwIfAborted()
  const dir = dirname(file)
  // Named after this process, so a resume or `weir runs gc` can remove it if we die mid-write.
  const temp = tempPathFor(file)
  let fd: number | undefined
  try {
    fd = openTempSync(temp, dir)
    writeAllSync(fd, body)
    if (options.durable !== false) await fsyncFd(fd)
    const version = versionOf(fstatSync(fd, { bigint: true }))
    closeSync(fd)
    fd = undefined
    options.signal.throwIfAborted()
    renameSync(temp, file)
    // The folder's fsync of the next put (into this folder, told by the caller) flushes this rename too.
    if (options.durable !== false && options.folderFlushedByNext !== true) {
      const dirFd = openSync(dir, 'r')
      try {
        await fsyncFd(dirFd)
      } finally {
        closeSync(dirFd)
      }
    }
    return { sizeBytes: body.byteLength, version }
  } catch (cause) {
    removeTempSync(fd, temp)
    if (options.signal.aborted) throw cause
    throw new IoError('IO_WRITE_FAILED', `Could not write '${file}': ${(cause as Error).message}`, { cause })
  }
}

/**
 * The same steps as `writeSmallAtomically`, every one synchronous, the fsyncs too: for a document a
 * process writes as it exits (`putSync`: an `exit` listener cannot wait for the thread pool).
 */
function writeSmallNow(file: string, body: Uint8Array): void {
  const dir = dirname(file)
  const temp = tempPathFor(file)
  let fd: number | undefined
  try {
    fd = openTempSync(temp, dir)
    writeAllSync(fd, body)
    fsyncSync(fd)
    closeSync(fd)
    fd = undefined
    renameSync(temp, file)
    const dirFd = openSync(dir, 'r')
    try {
      fsyncSync(dirFd)
    } finally {
      closeSync(dirFd)
    }
  } catch (cause) {
    removeTempSync(fd, temp)
    throw new IoError('IO_WRITE_FAILED', `Could not write '${file}': ${(cause as Error).message}`, { cause })
  }
}

/** Creates the temp file (`wx`: never someone else's); its folder is made when the first open finds it missing, not before every write. */
function openTempSync(temp: string, dir: string): number {
  try {
    return openSync(temp, 'wx')
  } catch (error) {
    if ((error as { code?: string }).code !== 'ENOENT') throw error
    makeDirsSync(dir)
    return openSync(temp, 'wx')
  }
}

function writeAllSync(fd: number, body: Uint8Array): void {
  let offset = 0
  while (offset < body.byteLength) offset += writeSync(fd, body, offset)
}

function removeTempSync(fd: number | undefined, temp: string): void {
  try {
    if (fd !== undefined) closeSync(fd)
    unlinkSync(temp)
  } catch {
    // Not made, or already renamed: nothing to clean up.
  }
}

/**
 * A file's version: its size and modification time in nanoseconds, taken from the temp file after
 * its last write and before the rename, which keeps both; so a later write over the file (another
 * temp file renamed there) gives another version, and no other writer can slip in between. Not
 * the inode number: a FUSE mount (gcsfuse, a Databricks volume) may give a renamed file a new one,
 * and every ref would then read as replaced. Two writes of the same size within one tick of the
 * clock the file system stamps files with (a few milliseconds on Linux, seconds on some old file
 * systems) give the same version; the writes this guards against are whole `weir execute`
 * processes apart.
 */
function versionOf(stats: BigIntStats): string {
  return `${stats.size}:${stats.mtimeNs}`
}

function fsyncFd(fd: number): Promise<void> {
  return new Promise((done, fail) => fsync(fd, (error) => (error ? fail(error) : done())))
}

async function writeAtomically(file: string, body: ByteBody, options: PutOptions): Promise<PutResult> {
  const dir = dirname(file)
  // Named after this process, so a resume or `weir runs gc` can remove it if we die mid-write.
  const temp = tempPathFor(file)
  try {
    await makeDirs(dir)
    const handle = await fsp.open(temp, 'wx')
    let stats: BigIntStats
    try {
      if (body instanceof Uint8Array) await handle.writeFile(body, { signal: options.signal })
      else await copyStream(body, handle, options.signal)
      if (options.durable !== false) await handle.sync()
      stats = await handle.stat({ bigint: true })
    } finally {
      await handle.close()
    }
    await fsp.rename(temp, file)
    if (options.durable !== false && options.folderFlushedByNext !== true) await syncFolder(dir)
    return { sizeBytes: Number(stats.size), version: versionOf(stats) }
  } catch (cause) {
    await fsp.rm(temp, { force: true })
    // Aborted, or a body that is not bytes (the task's fault, content-hash.ts): said as it is.
    if (options.signal.aborted || (cause as { code?: unknown } | null)?.code === 'IO_UNSUPPORTED_VALUE') throw cause
    throw new IoError('IO_WRITE_FAILED', `Could not write '${file}': ${(cause as Error).message}`, { cause })
  }
}

/**
 * Copies a stream into an open file chunk by chunk: memory stays at one chunk, however large the
 * body. An abort destroys the body, so that the copy ends (and the caller removes the temp file)
 * even when the body has stalled and no next chunk would ever come to notice the abort.
 */
async function copyStream(body: Readable, handle: FileHandle, signal: AbortSignal): Promise<void> {
  const stop = (): void => void body.destroy(signal.reason instanceof Error ? signal.reason : new Error('The write was aborted.'))
  signal.addEventListener('abort', stop, { once: true })
  try {
    signal.throwIfAborted()
    for await (const chunk of body) {
      signal.throwIfAborted()
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Uint8Array)
      let offset = 0
      while (offset < bytes.byteLength) offset += (await handle.write(bytes, offset)).bytesWritten
    }
  } finally {
    signal.removeEventListener('abort', stop)
    if (!body.destroyed) body.destroy()
  }
}

async function syncFolder(dir: string): Promise<void> {
  const handle = await fsp.open(dir, 'r')
  try {
    await handle.sync()
  } finally {
    await handle.close()
  }
}

function rethrowRead(error: unknown, uri: string): never {
  const code = (error as { code?: string }).code
  if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR')
    throw new IoError('OUTPUT_NOT_FOUND', `Output '${uri}' does not exist; the task that writes it has not succeeded in this run, or its files were removed.`, { cause: error })
  throw new IoError('IO_READ_FAILED', `Could not read '${uri}': ${(error as Error).message}`, { cause: error })
}
