/**
 * Arrow table ⇄ Parquet bytes with parquet-wasm. Loaded lazily: apache-arrow and parquet-wasm cost
 * ~300 ms to import, which only runs that store or read tables pay.
 */
import { tableFromIPC, tableToIPC, type Table as ArrowTable } from 'apache-arrow'
import { Compression, readParquet, Table as WasmTable, WriterPropertiesBuilder, writeParquet } from 'parquet-wasm'
import type { OutputDecl } from '../../../spec/model.ts'
import type { ArrowTableLike } from '../classify-value.ts'
import { IoError } from '../io-error.ts'
import { checkColumns } from './check-columns.ts'
import type { ParquetCompression } from './compression.ts'

const CODECS: Record<ParquetCompression, Compression> = {
  zstd: Compression.ZSTD,
  snappy: Compression.SNAPPY,
  gzip: Compression.GZIP,
  lz4: Compression.LZ4_RAW,
  brotli: Compression.BROTLI,
  none: Compression.UNCOMPRESSED,
}

/** Checks a table against a declared table output (if any) and encodes it as Parquet. */
export async function encodeTable(table: ArrowTableLike, output: OutputDecl, compression: ParquetCompression): Promise<Uint8Array> {
  if (output.kind === 'table') checkColumns(table, output.columns)
  const props = new WriterPropertiesBuilder().setCompression(CODECS[compression]).build()
  const wasmTable = WasmTable.fromIPCStream(tableToIPC(table as ArrowTable, 'stream'))
  // writeParquet takes ownership of the wasm table and frees it.
  return writeParquet(wasmTable, props)
}

/** Decodes Parquet bytes into an Apache Arrow Table; `uri` names the object in errors. */
export async function decodeTable(bytes: Uint8Array, uri: string): Promise<ArrowTable> {
  let wasmTable: WasmTable
  try {
    wasmTable = readParquet(bytes)
  } catch (cause) {
    throw new IoError('IO_READ_FAILED', `Output '${uri}' is not a readable Parquet file: ${String(cause)}.`, { cause })
  }
  return tableFromIPC(wasmTable.intoIPCStream())
}
