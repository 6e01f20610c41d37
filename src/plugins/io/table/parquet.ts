/**
 * Arrow table ⇄ Parquet bytes with parquet-wasm. Loaded lazily: apache-arrow and parquet-wasm cost
 * ~300 ms to import, which only runs that store or read tables pay.
 */
import { DataType, tableFromIPC, tableToIPC, type Table as ArrowTable } from 'apache-arrow'
import { Compression, Encoding, readParquet, Table as WasmTable, WriterPropertiesBuilder, writeParquet, type WriterProperties } from 'parquet-wasm'
import type { OutputDecl } from '../../../spec/model.ts'
import type { ArrowTableLike } from '../classify-value.ts'
import { IoError } from '../io-error.ts'
import { checkColumns } from './check-columns.ts'
import { withPortableTypes } from './portable-types.ts'
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
  const portable = withPortableTypes(table)
  const props = writerPropertiesFor(portable, compression)
  const wasmTable = WasmTable.fromIPCStream(tableToIPC(portable as ArrowTable, 'stream'))
  // writeParquet takes ownership of the wasm table and frees it.
  return writeParquet(wasmTable, props)
}

/** Rows per Arrow record batch when reading: big enough that a million rows are ~16 batches, not ~1000. */
const READ_BATCH_ROWS = 65_536

/**
 * Writer settings: the codec, plus better fallback encodings than PLAIN. Dictionary encoding stays
 * on (best for low-cardinality columns); when a column has too many distinct values the writer falls
 * back, by default to PLAIN. For ids and timestamps DELTA_BINARY_PACKED is ~2× smaller (1M int64 ids:
 * 2.4 MB → 1.4 MB with zstd) and faster to read; for float32/64, BYTE_STREAM_SPLIT lets zstd find
 * the repetition in exponents (~13% smaller on 1M random doubles) and writes faster.
 */
function writerPropertiesFor(table: ArrowTableLike, compression: ParquetCompression): WriterProperties {
  let builder = new WriterPropertiesBuilder().setCompression(CODECS[compression])
  for (const field of table.schema.fields) {
    const type = field.type as DataType
    if (DataType.isInt(type) || DataType.isDate(type) || DataType.isTimestamp(type))
      builder = builder.setColumnEncoding(field.name, Encoding.DELTA_BINARY_PACKED)
    else if (DataType.isFloat(type) && (type as DataType & { precision: number }).precision > 0)
      builder = builder.setColumnEncoding(field.name, Encoding.BYTE_STREAM_SPLIT)
  }
  return builder.build()
}

/** Decodes Parquet bytes into an Apache Arrow Table; `uri` names the object in errors. */
export async function decodeTable(bytes: Uint8Array, uri: string): Promise<ArrowTable> {
  let wasmTable: WasmTable
  try {
    wasmTable = readParquet(bytes, { batchSize: READ_BATCH_ROWS })
  } catch (cause) {
    throw new IoError('IO_READ_FAILED', `Output '${uri}' is not a readable Parquet file: ${String(cause)}.`, { cause })
  }
  return tableFromIPC(wasmTable.intoIPCStream())
}
