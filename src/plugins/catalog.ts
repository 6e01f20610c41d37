import type { PluginCatalog } from '../spec/rules/types.ts'
import type { IoPlugin, TargetPlugin } from './types.ts'
import { builtinIo } from './builtin-io.ts'
import { databricksConfigSchema } from './targets/databricks/config.ts'
import { argoConfigSchema } from './targets/argo/config.ts'
import { createIoRegistry, createTargetRegistry } from './registry.ts'

/**
 * What `validateSpec` needs to know of a set of plugins: their types and config schemas. The lists
 * go through the registries, so a type given twice throws (`PLUGIN_DUPLICATE_TYPE`) and the spec's
 * "unknown type" diagnostics list exactly the registered types.
 */
export function catalogOf(io: Iterable<IoPlugin<never>>, targets: Iterable<Pick<TargetPlugin<never>, 'type' | 'configSchema'>>): PluginCatalog {
  return {
    io: new Map(createIoRegistry(io).values().map((p) => [p.type, p.configSchema])),
    targets: new Map(createTargetRegistry(targets).values().map((t) => [t.type, t.configSchema])),
  }
}

/**
 * The built-in targets as validation sees them: type and config schema, the same as builtins.ts's
 * `builtinTargets` (a test holds them equal), without the generators. Every `weir run`, `graph` and
 * `spec validate` validates its spec, and none generates a job: importing `builtinTargets` here put
 * the Databricks and Argo generators (~57 KB of JavaScript) in front of all of them.
 */
const builtinTargetSchemas = [
  { type: 'databricks', configSchema: databricksConfigSchema },
  { type: 'argo', configSchema: argoConfigSchema },
]

/** The catalog of the built-in plugins (cheap: IoManager descriptors import no implementation, targets come as their schemas). */
export function builtinCatalog(): PluginCatalog {
  return catalogOf(builtinIo, builtinTargetSchemas)
}
