/**
 * An IoManager on top of any ByteStore: JSON values as `output.json`, bytes and streams as
 * `output.bin`, Arrow tables as `output.parquet`. fs, memory and gcs are all this plus their store.
 */
import type { IoContext, IoManager, OutputKey, StoredRef } from '../types.ts'
import type { ByteStore, PutResult } from './byte-store.ts'
import { hashBytes, hashStream, hashWhileStreaming } from './content-hash.ts'
import { createByteStoreCache } from './byte-store-cache.ts'
import { classifyValue, type ArrowTableLike } from './classify-value.ts'
import { IoError } from './io-error.ts'
import { joinUri, outputFileName } from './output-location.ts'
import type { ParquetCompression } from './table/compression.ts'

export interface ByteStoreIoOptions {
  /** Parquet compression for table outputs. @default `zstd` */
  readonly compression?: ParquetCompression
}

/** Builds the IoManager of plugin `type` over a byte store. */
export function createByteStoreIo(type: string, store: ByteStore, options: ByteStoreIoOptions = {}): IoManager {
  const compression = options.compression ?? 'zstd'
  const refOf = (uri: string, format: StoredRef['format'], put: PutResult, contentHash: string, stream?: boolean): StoredRef => ({
    uri,
    format,
    io: type,
    sizeBytes: put.sizeBytes,
    ...(stream && { stream }),
    contentHash,
    ...(put.version !== undefined && { version: put.version }),
  })

  const cache = createByteStoreCache(type, store)
  const sameContent = new Map<string, boolean>()
  return {
    ...(cache && { cache }),
    async write(key: OutputKey, value: unknown, ctx: IoContext): Promise<StoredRef> {
      const classified = classifyValue(value, ctx.output)
      const folder = store.folderOf(key)
      const uriFor = (format: StoredRef['format']) => joinUri(folder, outputFileName(format))
      const put = (uri: string, body: Parameters<ByteStore['put']>[1], contentType: string) =>
        store.put(uri, body, { signal: ctx.signal, contentType })
      switch (classified.kind) {
        case 'json': {
          const uri = uriFor('json')
          const bytes = Buffer.from(JSON.stringify(classified.value), 'utf8')
          return refOf(uri, 'json', await put(uri, bytes, 'application/json'), hashBytes(bytes))
        }
        case 'bytes': {
          const uri = uriFor('bytes')
          return refOf(uri, 'bytes', await put(uri, classified.value, 'application/octet-stream'), hashBytes(classified.value))
        }
        case 'stream': {
          const uri = uriFor('bytes')
          const hashing = hashWhileStreaming(classified.value)
          const stored = await put(uri, hashing.stream, 'application/octet-stream')
          return refOf(uri, 'bytes', stored, hashing.digest(), true)
        }
        case 'rows':
        case 'table': {
          const { encodeTable } = await import('./table/parquet.ts')
          const table =
            classified.kind === 'rows' && ctx.output.kind === 'table'
              ? (await import('./table/rows-to-table.ts')).rowsToTable(classified.value, ctx.output.columns)
              : classified.value
          const bytes = await encodeTable(table as ArrowTableLike, ctx.output, compression)
          const uri = uriFor('parquet')
          return refOf(uri, 'parquet', await put(uri, bytes, 'application/vnd.apache.parquet'), hashBytes(bytes))
        }
      }
    },

    async read(ref: StoredRef, ctx: IoContext): Promise<unknown> {
      checkScheme(type, store, ref.uri)
      switch (ref.format) {
        case 'json': {
          const text = (await store.readAll(ref.uri, ctx.signal)).toString('utf8')
          try {
            return JSON.parse(text) as unknown
          } catch (cause) {
            throw new IoError('IO_READ_FAILED', `Output '${ref.uri}' is not valid JSON; it was not written by weir or is damaged.`, { cause })
          }
        }
        case 'bytes':
          return ref.stream ? store.openRead(ref.uri, ctx.signal) : store.readAll(ref.uri, ctx.signal)
        case 'parquet': {
          const bytes = await store.readAll(ref.uri, ctx.signal)
          const { decodeTable } = await import('./table/parquet.ts')
          return decodeTable(bytes, ref.uri)
        }
      }
    },

    async exists(ref: StoredRef, ctx: Pick<IoContext, 'signal'>): Promise<boolean> {
      checkScheme(type, store, ref.uri)
      // A ref with a version names the object it was written as: one written over it since (the
      // same run id executed again) may hold other bytes than the ref's content hash says, and is
      // the ref's output only when it holds the same (`holdsContentOf`). A ref without a version
      // (an older weir) only needs the object.
      if (ref.version === undefined || !store.versionOf) return store.exists(ref.uri, ctx.signal)
      const now = await store.versionOf(ref.uri, ctx.signal)
      if (now === ref.version) return true
      if (now === undefined) return false
      const known = `${ref.uri}\u0000${ref.version}\u0000${now}\u0000${ref.contentHash}`
      let same = sameContent.get(known)
      if (same === undefined) {
        same = await holdsContentOf(store, ref, ctx.signal)
        if (sameContent.size >= MAX_REMEMBERED) sameContent.clear()
        sameContent.set(known, same)
      }
      return same
    },
  }
}

/**
 * What `holdsContentOf` found for a ref and the version now at its URI, per IoManager: `weir ui`,
 * `weir schedule` and a run's dry run ask about the same outputs again, and each answer may have
 * read a whole object.
 */
const MAX_REMEMBERED = 1000

/**
 * Whether the object now at a versioned ref's URI, whose version is not the ref's, still holds the
 * ref's bytes: the same size, then the same content hash, read as a stream (an output may be
 * gigabytes). A version is a size and modification time on `fs`, so the same bytes copied back
 * (`tar` keeps whole seconds, `cp` without `-p`, `touch`, a restore from a backup) have another;
 * they are still the output the ref describes, and a cache entry of it is a hit. A ref without a
 * content hash or a size cannot be compared: replaced, as any other difference.
 */
async function holdsContentOf(store: ByteStore, ref: StoredRef, signal: AbortSignal): Promise<boolean> {
  if (ref.contentHash === undefined || ref.sizeBytes === undefined) return false
  // The size first, where the store can tell it without reading: most objects written over differ in it.
  if (store.sizeOf && (await store.sizeOf(ref.uri, signal)) !== ref.sizeBytes) return false
  try {
    return (await hashStream(await store.openRead(ref.uri, signal), ref.sizeBytes)) === ref.contentHash
  } catch (error) {
    // Gone or unreadable since: not the ref's object. An abort is the caller's to see.
    if (signal.aborted) throw error
    return false
  }
}

function checkScheme(type: string, store: ByteStore, uri: string): void {
  if (!uri.startsWith(`${store.scheme}//`))
    throw new IoError(
      'IO_UNSUPPORTED_URI',
      `The ${type} IoManager cannot read '${uri}'; it reads ${store.scheme}// URIs. Read it with the IoManager that wrote it.`,
    )
}
