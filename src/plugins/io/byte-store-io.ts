/**
 * An IoManager on top of any ByteStore: JSON values as `output.json`, bytes and streams as
 * `output.bin`, Arrow tables as `output.parquet`. fs, memory and gcs are all this plus their store.
 */
import type { IoContext, IoManager, OutputKey, StoredRef } from '../types.ts'
import type { ByteStore, PutResult } from './byte-store.ts'
import { hashBytes, hashWhileStreaming } from './content-hash.ts'
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
      // same run id executed again) holds other bytes than the ref's content hash says, so the
      // output the ref describes is gone. A ref without one (an older weir) only needs the object.
      if (ref.version !== undefined && store.versionOf) return (await store.versionOf(ref.uri, ctx.signal)) === ref.version
      return store.exists(ref.uri, ctx.signal)
    },
  }
}

function checkScheme(type: string, store: ByteStore, uri: string): void {
  if (!uri.startsWith(`${store.scheme}//`))
    throw new IoError(
      'IO_UNSUPPORTED_URI',
      `The ${type} IoManager cannot read '${uri}'; it reads ${store.scheme}// URIs. Read it with the IoManager that wrote it.`,
    )
}
