/** Parquet compression codecs a config may name (`none` writes uncompressed pages). */
export const PARQUET_COMPRESSIONS = ['zstd', 'snappy', 'gzip', 'lz4', 'brotli', 'none'] as const
export type ParquetCompression = (typeof PARQUET_COMPRESSIONS)[number]
