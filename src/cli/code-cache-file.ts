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
 * - a process started with Node options (`NODE_OPTIONS=--max-old-space-size=4096`, `node --stack-size=…`)
 *   keeps a cache of its own, named by a hash of its options (`nodeOptions`): V8 refuses a cache made
 *   under other V8 flags, and one shared file would be rewritten by every process whose flags differ
 *   from the last writer's, each of them compiling the whole bundle (a cron run with NODE_OPTIONS
 *   beside an editor's validate without). A process that changes V8's flags as it runs writes none
 *   (`v8FlagHash`);
 * - it is written to a temporary file and renamed, so that a reader sees a whole file or none, and
 *   only where the bundle is (never a shared folder such as /tmp, where anyone could plant one).
 */
import { closeSync, openSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { Script } from 'node:vm'
import { codeCacheChecksum } from './code-cache-checksum.ts'
import { shortHash } from '../spec/short-hash.ts'

// Version 1 carried a SHA-1: its files are another format, ignored and replaced.
const MAGIC = Buffer.from('weir code cache 2\n', 'latin1')
const CHECKSUM_BYTES = 8
const HEADER_BYTES = MAGIC.length + CHECKSUM_BYTES

/**
 * Where the cache of `bundleFile` is kept. The Node version and architecture are in the name (one
 * install used by several Node versions keeps a cache for each instead of replacing one another's),
 * and so is a hash of the process's Node options, when it has any.
 */
export function codeCachePath(bundleFile: string, options: string = nodeOptions()): string {
  return `${bundleFile}.${process.version}-${process.arch}${options === '' ? '' : `.o${shortHash(options)}`}.v8-cache`
}

/**
 * The options this process was started with: its command line's (`process.execArgv`) and
 * NODE_OPTIONS. Any of them may set a V8 flag; those that do not only cost a cache file of their own.
 * (V8's own hash of its flags would tell them apart, but takes ~0.3 ms to get: `v8FlagHash`.)
 */
export function nodeOptions(): string {
  const fromEnv = process.env.NODE_OPTIONS?.trim() ?? ''
  return process.execArgv.length === 0 ? fromEnv : `${process.execArgv.join('\0')}\0${fromEnv}`
}

/** The name codeCachePath gives, taken apart: the bundle's file name is group 1, the options' hash group 2. */
const CACHE_NAME = /^(.+)\.v\d+\.\d+\.\d+-[a-z0-9]+(?:\.o([0-9a-f]{8}))?\.v8-cache$/

/**
 * Caches of processes with Node options kept per bundle (all Node versions together), beside the
 * plain ones, which are never removed: every set of options a process is started with
 * (`--max-old-space-size=N` for each N someone tries) would otherwise leave a file for good. The
 * oldest go first.
 */
const MAX_OPTION_CACHES_PER_BUNDLE = 3

/** Where V8 keeps its flag hash in a code cache's header (V8 11, Node 20: magic, version hash, source hash, flag hash). */
const FLAG_HASH_OFFSET = 12

/**
 * V8's hash of the flags this process runs with now, as 8 hex digits: the one V8 puts in every code
 * cache it makes, and compares with its own when given one; read from the cache of a one-character
 * script (~0.3 ms the first time in a process, so only a process about to write a cache asks).
 * A process whose hash at exit is not the one it started with changed V8's flags as it ran
 * (young-generation.ts): V8 would refuse its cache to every process started as it was.
 */
export function v8FlagHash(): string {
  const data = new Script('0').createCachedData()
  // V8's magic number is 0xC0DE0000 with its external reference count mixed into the low half.
  if (data.length < FLAG_HASH_OFFSET + 4 || data.readUInt32LE(0) >>> 16 !== 0xc0de) return ''
  return data.subarray(FLAG_HASH_OFFSET, FLAG_HASH_OFFSET + 4).toString('hex')
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
    pruneCaches(path)
  } catch {
    try {
      closeSync(fd)
    } catch {
      // already closed
    }
    rmSync(temp, { force: true })
  }
}

/** Removes the oldest caches with Node options of the bundle `path` was made for, beyond MAX_OPTION_CACHES_PER_BUNDLE (`path` stays). */
function pruneCaches(path: string): void {
  const written = CACHE_NAME.exec(basename(path))
  if (!written) return
  const dir = dirname(path)
  const optionCaches = readdirSync(dir)
    .filter((name) => {
      const match = CACHE_NAME.exec(name)
      return match !== null && match[1] === written[1] && match[2] !== undefined
    })
    .map((name) => ({ name, time: name === basename(path) ? Infinity : (statSync(join(dir, name), { throwIfNoEntry: false })?.mtimeMs ?? 0) }))
    .sort((a, b) => b.time - a.time)
  for (const { name } of optionCaches.slice(MAX_OPTION_CACHES_PER_BUNDLE)) rmSync(join(dir, name), { force: true })
}
