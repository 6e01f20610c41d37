/** The API for plugin authors: interfaces, registries and the built-ins to model a plugin on. */
export type {
  IoManager, IoPlugin, IoContext, OutputKey, StoredRef, PluginEnv, Logger, TargetPlugin, GeneratedFile, Executor, ExecutorPlugin,
  AttemptRequest, AttemptOutcome, ErrorInfo,
} from './plugins/types.ts'
export { PluginRegistry, createIoRegistry, createTargetRegistry, createExecutorRegistry } from './plugins/registry.ts'
export { builtinIo, builtinTargets } from './plugins/builtins.ts'
