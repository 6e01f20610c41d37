/**
 * A V8 code cache kept beside a bundle of dist/cli/ (see run-cached-bundle.ts): the code V8 compiled
 * while a process ran the bundle, so that the next process skips that compilation.
 *
 * A cache must never change what weir does, only how fast it starts:
 * - the file carries a checksum of its data (code-cache-checksum.ts): a damaged or truncated file
 *   is ignored, never given to V8, which does not check it;
 * - V8 itself rejects data of another V8 version or other V8 flags, or for a source of another
 *   length (it checks no more of the source: the bundle's name carries a hash of its content, so
 *   a cache only ever sits beside the bundle it was made from);
 * - processes started with Node options (`node --stack-size=…`, `NODE_OPTIONS=--max-old-space-size=…`)
 *   keep a cache of their own: V8 refuses a cache made under other flags, and one shared file would
 *   be rewritten by every process whose flags differ from the last writer's, leaving each of them to
 *   compile the whole bundle (a cron run with NODE_OPTIONS beside an editor's validate without);
 * - it is written to a temporary file and renamed, so that a reader sees a whole file or none, and
 *   only where the bundle is (never a shared folder such as /tmp, where anyone could plant one).
 */
import { closeSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { codeCacheChecksum } from './code-cache-checksum.ts'

// Version 1 carried a SHA-1: its files are another format, ignored and replaced.
const MAGIC = Buffer.from('weir code cache 2\n', 'latin1')
const CHECKSUM_BYTES = 8
const HEADER_BYTES = MAGIC.length + CHECKSUM_BYTES

/**
 * Where the cache of `bundleFile` is kept. The Node version and architecture are in the name: one
 * install used by several Node versions keeps a cache for each instead of replacing one another's.
 * So is a hash of the process's Node options, when it has any (`nodeOptions`).
 */
export function codeCachePath(bundleFile: string, options: string = nodeOptions()): string {
  return `${bundleFile}.${process.version}-${process.arch}${options === '' ? '' : `.o${fnv1a32(options)}`}.v8-cache`
}

/**
 * The options this process was started with: its command line's (`process.execArgv`) and
 * NODE_OPTIONS. Any of them may set a V8 flag; those that do not only cost a cache file of their own.
 */
export function nodeOptions(): string {
  const fromEnv = process.env.NODE_OPTIONS?.trim() ?? ''
  return process.execArgv.length === 0 ? fromEnv : `${process.execArgv.join('\0')}\0${fromEnv}`
}

/** FNV-1a over UTF-16 code units, as 8 hex digits: a name, not a defence (anyone who can write here can write the bundle). */
function fnv1a32(text: string): string {
  let hash = 0x811c9dc5
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193)
  return (hash >>> 0).toString(16).padStart(8, '0')
}

/** The cache's data, or undefined when there is none or it is damaged. */
export function readCodeCache(path: string): Buffer | undefined {
  let file: Buffer
  try {
    file = readFileSync(path)
  } catch {
    return undefined
  }
  if (file.length <= HEADER_BYTES || !file.subarray(0, MAGIC.length).equals(MAGIC)) return undefined
  const data = file.subarray(HEADER_BYTES)
  return codeCacheChecksum(data)?.equals(file.subarray(MAGIC.length, HEADER_BYTES)) ? data : undefined
}

/**
 * Writes the cache made by `createData`, atomically. Best effort: where the file cannot be written
 * (a read-only install, a full disk) there is no cache, and `createData` is not even called, since
 * serialising costs a few milliseconds.
 */
export function writeCodeCache(path: string, createData: () => Buffer): void {
  // Another process may write the same cache at the same moment: each has its own temporary file.
  const temp = `${path}.${process.pid}.tmp`
  let fd: number
  try {
    fd = openSync(temp, 'wx')
  } catch {
    return
  }
  try {
    const data = createData()
    const checksum = codeCacheChecksum(data)
    if (!checksum) throw new Error('no checksum without WebAssembly')
    writeFileSync(fd, Buffer.concat([MAGIC, checksum, data]))
    closeSync(fd)
    renameSync(temp, path)
  } catch {
    try {
      closeSync(fd)
    } catch {
      // already closed
    }
    rmSync(temp, { force: true })
  }
}
