/** The API for plugin authors: interfaces, registries and the built-ins to model a plugin on. */
export type {
  IoManager, IoPlugin, IoContext, OutputKey, StoredRef, PluginEnv, Logger, TargetPlugin, GeneratedFile, Executor, ExecutorPlugin,
  AttemptRequest, AttemptOutcome, ErrorInfo, ExecutorEnv, ExecutorHost, RemotePreparation, RemoteAttempt, ProcessExit, RemoteIo,
} from './plugins/types.ts'
export { PluginRegistry, createIoRegistry, createTargetRegistry, createExecutorRegistry } from './plugins/registry.ts'
export { builtinIo, builtinTargets } from './plugins/builtins.ts'
/** The error base class; `IoError` and the runtime's errors are `WeirError`s. Check `err.code`, not `instanceof`. */
export { WeirError } from './spec/weir-error.ts'
export type { WeirErrorOptions } from './spec/weir-error.ts'

/**
 * Building blocks for IoManager plugins: implement a `ByteStore` (put/openRead/readAll/exists by
 * URI) and `createByteStoreIo` gives JSON, bytes, streams and Parquet tables on top of it.
 * @experimental
 */
export type { ByteStore, ByteBody, PutOptions, PutResult } from './plugins/io/byte-store.ts'
export { createByteStoreIo } from './plugins/io/byte-store-io.ts'
export type { ByteStoreIoOptions } from './plugins/io/byte-store-io.ts'
export { createLazyIo } from './plugins/io/lazy-io.ts'
export { IoError, IO_ERROR_CODES } from './plugins/io/io-error.ts'
export type { IoErrorCode } from './plugins/io/io-error.ts'
export { keyFolder, checkSegment } from './plugins/io/output-location.ts'
export { PARQUET_COMPRESSIONS } from './plugins/io/table/compression.ts'
export type { ParquetCompression } from './plugins/io/table/compression.ts'
export { catalogOf } from './plugins/catalog.ts'

/**
 * Building blocks for target plugins: render a task's command line from its template (engine
 * placeholders pass through), the trigger-rule table with each rule's Databricks and Argo forms, and
 * 5-field cron to Quartz. See docs/remote.md.
 * @experimental
 */
export type { TargetFinding } from './plugins/types.ts'
export { renderCommand, CommandTemplateError } from './plugins/targets/command-template.ts'
export type { CommandValues } from './plugins/targets/command-template.ts'
export { renderRemoteCommand, defaultCommandTemplate, commandTemplateOf } from './plugins/targets/remote-command.ts'
export type { RemoteLayout } from './plugins/targets/remote-command.ts'
export { TRIGGER_RULE_TABLE } from './spec/trigger-rules.ts'
export type { ArgoUpstream, TriggerRuleForm } from './spec/trigger-rules.ts'
export { cronToQuartz } from './plugins/targets/cron-to-quartz.ts'
