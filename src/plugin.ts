/** The API for plugin authors: interfaces, registries and the built-ins to model a plugin on. */
export type {
  IoManager, IoPlugin, IoContext, OutputKey, StoredRef, PluginEnv, Logger, TargetPlugin, GeneratedFile, Executor, ExecutorPlugin,
  AttemptRequest, AttemptOutcome, ErrorInfo,
} from './plugins/types.ts'
export { PluginRegistry, createIoRegistry, createTargetRegistry, createExecutorRegistry } from './plugins/registry.ts'
export { builtinIo, builtinTargets } from './plugins/builtins.ts'

/**
 * Building blocks for IoManager plugins: implement a `ByteStore` (put/openRead/readAll/exists by
 * URI) and `createByteStoreIo` gives JSON, bytes, streams and Parquet tables on top of it.
 * @experimental
 */
export type { ByteStore, ByteBody, PutOptions } from './plugins/io/byte-store.ts'
export { createByteStoreIo } from './plugins/io/byte-store-io.ts'
export type { ByteStoreIoOptions } from './plugins/io/byte-store-io.ts'
export { createLazyIo } from './plugins/io/lazy-io.ts'
export { IoError, IO_ERROR_CODES } from './plugins/io/io-error.ts'
export type { IoErrorCode } from './plugins/io/io-error.ts'
export { keyFolder, checkSegment } from './plugins/io/output-location.ts'
export { PARQUET_COMPRESSIONS } from './plugins/io/table/compression.ts'
export type { ParquetCompression } from './plugins/io/table/compression.ts'
export { catalogOf } from './plugins/catalog.ts'
