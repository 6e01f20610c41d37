/**
 * The byte-store layer: what an IoManager needs from a storage backend to hold every kind of output
 * (JSON, bytes, streams, Parquet tables). `fs`, `memory` and `gcs` each implement this; the shared
 * logic on top lives in byte-store-io.ts.
 */
import type { Readable } from 'node:stream'
import type { OutputKey } from '../types.ts'

/** A body to store: bytes in memory, or a stream consumed once (never buffered whole). */
export type ByteBody = Uint8Array | Readable

export interface PutOptions {
  readonly signal: AbortSignal
  /** Content type recorded where the backend keeps one. */
  readonly contentType: string
  /**
   * False when losing the object in a machine crash is harmless (a cache entry: a lost or damaged
   * one reads as a miss), so a store may skip flushing it to stable storage. Atomicity is kept
   * either way. @default true
   */
  readonly durable?: boolean
  /**
   * The caller makes another durable `put` into the same folder next, and the object only counts
   * once that one is made (`weir execute`'s values.json, then its outputs.json): a store may flush
   * the object's contents but leave its name in the folder to be flushed with the next one's.
   */
  readonly folderFlushedByNext?: boolean
}

/** What a `put` stored. */
export interface PutResult {
  readonly sizeBytes: number
  /**
   * An opaque token that changes whenever an object is written at the URI (`fs`: size and
   * modification time in nanoseconds; `gcs`: the object's generation). Optional.
   */
  readonly version?: string
}

/**
 * A place that stores whole objects by URI. `put` must be atomic: a reader sees the previous object
 * or the complete new one, never a part; of concurrent `put`s to one URI one complete body wins.
 */
export interface ByteStore {
  /** URI scheme this store answers to, e.g. `file:`, `gs:`, `memory:`. */
  readonly scheme: string
  /** The folder URI of a key's output (derived from the key, or its `prefix` override). */
  folderOf(key: OutputKey): string
  /**
   * Whether `uri` is one of this store's own objects: under its root folder, in its bucket. A cache
   * entry is data that anyone who can write the cache may have written; it is trusted only when its
   * output is the store's own, never another file or bucket. Optional: without it, any URI of the
   * store's scheme counts.
   */
  owns?(uri: string): boolean
  /**
   * Stores a body at `uri`; resolves once it is visible, with the stored size and, where the store
   * can tell, the `version` of the object this call wrote (see `versionOf`).
   */
  put(uri: string, body: ByteBody, options: PutOptions): Promise<PutResult>
  /**
   * Stores a small body (a JSON document) at `uri` before returning, atomically and durably as
   * `put`. Optional: only a local store can. `weir execute` writes its error.json with it when a
   * handler ends the process (`process.exit`), whose `exit` listeners cannot wait for anything.
   */
  putSync?(uri: string, body: Uint8Array): void
  /** Opens the object at `uri` as a stream; rejects with `OUTPUT_NOT_FOUND` when it does not exist. */
  openRead(uri: string, signal: AbortSignal): Promise<Readable>
  /** Reads the whole object at `uri`; rejects with `OUTPUT_NOT_FOUND` when it does not exist. */
  readAll(uri: string, signal: AbortSignal): Promise<Buffer>
  /**
   * Reads a small object (a cache entry, a few KB) whole, or undefined when there is none. Optional:
   * without it `readAll` is used. A local store may read it synchronously, which costs less than a
   * round trip through Node's thread pool.
   */
  readSmall?(uri: string, signal: AbortSignal): Promise<Buffer | undefined>
  /** Whether an object exists at `uri`. */
  exists(uri: string, signal: AbortSignal): Promise<boolean>
  /**
   * The version of the object now at `uri`, as `put` reports it, or undefined when there is none.
   * Optional, with `PutResult.version`: a ref then names the object it was written as, and an
   * object written over it since (the same run id executed again) no longer counts as that output.
   */
  versionOf?(uri: string, signal: AbortSignal): Promise<string | undefined>
  /**
   * The size in bytes of the object now at `uri`, or undefined when there is none. Optional: when a
   * ref's version differs from the object's, the object is read to compare its content hash with
   * the ref's (the same bytes written again count as the same output), and a size that differs
   * spares that read.
   */
  sizeOf?(uri: string, signal: AbortSignal): Promise<number | undefined>
  /**
   * Stores `body` at `uri` only if no object is there, atomically (of concurrent creators exactly
   * one succeeds); resolves true when this call created it. Needed, with `list` and `remove`, for a
   * cache index.
   */
  create?(uri: string, body: Uint8Array, options: PutOptions): Promise<boolean>
  /** URIs of every object under the folder `uri`, at any depth. */
  list?(uri: string, signal: AbortSignal): Promise<string[]>
  /**
   * Removes the object at `uri`; a missing one is fine. Also what `weir execute` removes an earlier
   * attempt's outputs.json with, on a store that holds its documents (docs/remote.md).
   */
  remove?(uri: string, signal: AbortSignal): Promise<void>
}
