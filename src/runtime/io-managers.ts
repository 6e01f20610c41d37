/**
 * Looks up the IoManager of each named `io:` entry of a pipeline, by the entry's plugin `type`.
 * Instances are created on first use and kept for the run, so a run that never reads `gcs` never
 * loads the GCS client.
 */
import type { Pipeline } from '../spec/model.ts'
import type { IoManager, IoPlugin, PluginEnv } from '../plugins/types.ts'
import { createIoRegistry } from '../plugins/registry.ts'
import { WeirError } from './errors.ts'

/** Returns the IoManager for an `io:` name of the pipeline; throws a WeirError for unknown names or types. */
export type IoManagerLookup = (name: string) => IoManager

/** Creates the lookup for one pipeline, given the available IoManager plugins (a type given twice throws). */
export function createIoManagers(pipeline: Pipeline, plugins: readonly IoPlugin<never>[], env: PluginEnv): IoManagerLookup {
  const registry = createIoRegistry(plugins)
  const instances = new Map<string, IoManager>()
  return (name) => {
    const existing = instances.get(name)
    if (existing) return existing
    const decl = pipeline.io[name]
    if (!decl) throw new WeirError('IO_UNKNOWN_TYPE', `Pipeline '${pipeline.name}' has no io entry '${name}'; add it under io:.`)
    const plugin = registry.get(decl.type)
    if (!plugin)
      throw new WeirError(
        'IO_UNKNOWN_TYPE',
        `io '${name}' has type '${decl.type}', which no installed IoManager provides; known types: ${registry.types().map((t) => `'${t}'`).join(', ')}.`,
      )
    const manager = (plugin as IoPlugin<Record<string, unknown>>).create(decl.config, env)
    instances.set(name, manager)
    return manager
  }
}
