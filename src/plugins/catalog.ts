import type { PluginCatalog } from '../spec/rules/types.ts'
import type { IoPlugin, TargetPlugin } from './types.ts'
import { builtinIo, builtinTargets } from './builtins.ts'

/** What `validateSpec` needs to know of a set of plugins: their keys and config schemas. */
export function catalogOf(io: readonly IoPlugin<never>[], targets: readonly TargetPlugin<never>[]): PluginCatalog {
  return {
    io: new Map(io.map((p) => [p.type, p.configSchema])),
    targets: new Map(targets.map((t) => [t.type, t.configSchema])),
  }
}

/** The catalog of the built-in plugins (cheap: plugin descriptors import no implementation). */
export function builtinCatalog(): PluginCatalog {
  return catalogOf(builtinIo, builtinTargets)
}
