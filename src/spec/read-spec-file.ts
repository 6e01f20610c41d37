/**
 * Reading a spec file: the one place weir reads a spec's bytes. Only regular files are read (a FIFO
 * would wait forever for a writer, `/dev/zero` never ends), and never more than `MAX_SPEC_BYTES`
 * plus one byte, whatever the file's size claims to be (`/proc` files say 0; files grow).
 */
import { accessSync, closeSync, constants, fstatSync, openSync, readSync, statSync } from 'node:fs'
import type { Stats } from 'node:fs'
import type { DiagnosticCode } from './diagnostics.ts'
import { MAX_SPEC_BYTES } from './spec-bytes.ts'

export type ReadSpecResult =
  | { readonly ok: true; readonly bytes: Uint8Array }
  | { readonly ok: false; readonly code: DiagnosticCode; readonly message: string }

/** The first read's size when the file's size is unknown (0, as `/proc` reports). */
const FIRST_CHUNK = 64 * 1024

/**
 * Reads a spec file's bytes, refusing what is not a regular file or is larger than a spec may be.
 * The reads are synchronous: a spec is small, and the thread pool of asynchronous reads costs more
 * than the read itself (several times more on a busy machine, for a folder of specs).
 */
export async function readSpecBytes(path: string): Promise<ReadSpecResult> {
  let fd: number
  try {
    // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer; the kind is checked next.
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK)
  } catch (error) {
    // Some kinds cannot even be opened (a socket: ENXIO); say what the path is when that is why.
    const info = statOf(path)
    if (info && !info.isFile()) return notRegular(path, info)
    return refuse('FILE_UNREADABLE', `Cannot read '${path}': ${describeOpenError(error as NodeJS.ErrnoException)}.`)
  }
  try {
    const info = fstatSync(fd)
    if (!info.isFile()) return notRegular(path, info)
    if (info.size > MAX_SPEC_BYTES) return tooLarge(`${info.size} bytes`)
    let buffer = Buffer.allocUnsafe(info.size > 0 ? info.size + 1 : FIRST_CHUNK)
    let length = 0
    for (;;) {
      if (length === buffer.length) {
        if (length > MAX_SPEC_BYTES) return tooLarge(`more than ${MAX_SPEC_BYTES} bytes`)
        const grown = Buffer.allocUnsafe(Math.min(MAX_SPEC_BYTES + 1, length * 2))
        buffer.copy(grown, 0, 0, length)
        buffer = grown
      }
      const bytesRead = readSync(fd, buffer, length, buffer.length - length, length)
      if (bytesRead === 0) break
      length += bytesRead
    }
    return { ok: true, bytes: buffer.subarray(0, length) }
  } catch (error) {
    return refuse('FILE_UNREADABLE', `Cannot read '${path}': ${(error as Error).message}; check the file.`)
  } finally {
    closeSync(fd)
  }
}

function refuse(code: DiagnosticCode, message: string): ReadSpecResult {
  return { ok: false, code, message }
}

function statOf(path: string): Stats | undefined {
  try {
    return statSync(path)
  } catch {
    return undefined
  }
}

function notRegular(path: string, info: Stats): ReadSpecResult {
  // A folder of a folder being checked that cannot be listed (cli/find-specs.ts lists it as it is).
  if (info.isDirectory() && !canList(path)) return refuse('FILE_UNREADABLE', `Cannot read the folder '${path}': permission denied, so the specs in it were not checked; check its permissions.`)
  return refuse('FILE_UNREADABLE', `Cannot read '${path}': it is ${describeKind(info)}, not a regular file; point weir at a spec file.`)
}

function canList(path: string): boolean {
  try {
    accessSync(path, constants.R_OK | constants.X_OK)
    return true
  } catch {
    return false
  }
}

function tooLarge(size: string): ReadSpecResult {
  return refuse('FILE_TOO_LARGE', `The file is ${size}; specs are limited to ${MAX_SPEC_BYTES} bytes, so split it into several pipelines.`)
}

function describeOpenError(error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case 'ENOENT':
      return 'the file does not exist; check the path'
    case 'EISDIR':
      return 'it is a folder, not a regular file; point weir at a spec file'
    case 'EACCES':
    case 'EPERM':
      return "permission denied; check the file's permissions"
    default:
      return `${error.message}; check the path`
  }
}

function describeKind(info: Stats): string {
  if (info.isDirectory()) return 'a folder'
  if (info.isFIFO()) return 'a FIFO'
  if (info.isSocket()) return 'a socket'
  if (info.isCharacterDevice()) return 'a character device'
  if (info.isBlockDevice()) return 'a block device'
  return 'not a file weir can read'
}
