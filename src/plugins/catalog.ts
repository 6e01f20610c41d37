import type { PluginCatalog } from '../spec/rules/types.ts'
import type { IoPlugin, TargetPlugin } from './types.ts'
import { builtinIo, builtinTargets } from './builtins.ts'
import { createIoRegistry, createTargetRegistry } from './registry.ts'

/**
 * What `validateSpec` needs to know of a set of plugins: their types and config schemas. The lists
 * go through the registries, so a type given twice throws (`PLUGIN_DUPLICATE_TYPE`) and the spec's
 * "unknown type" diagnostics list exactly the registered types.
 */
export function catalogOf(io: Iterable<IoPlugin<never>>, targets: Iterable<TargetPlugin<never>>): PluginCatalog {
  return {
    io: new Map(createIoRegistry(io).values().map((p) => [p.type, p.configSchema])),
    targets: new Map(createTargetRegistry(targets).values().map((t) => [t.type, t.configSchema])),
  }
}

/** The catalog of the built-in plugins (cheap: plugin descriptors import no implementation). */
export function builtinCatalog(): PluginCatalog {
  return catalogOf(builtinIo, builtinTargets)
}
