/**
 * Plugin registries: a `Map` keyed by each plugin's `type` (the spec's `type:` value, the key under
 * `targets:`, the `--executor` value). Every list of plugins weir is given goes through one: the
 * catalog `validateSpec` checks against (`catalogOf`), the run's IoManagers (`createIoManagers`) and
 * `weir codegen`'s targets. So a type registered twice is refused wherever plugins come in, and
 * "unknown type" messages list exactly the registered types.
 */
import type { ExecutorPlugin, IoPlugin, TargetPlugin } from './types.ts'
import { WeirError } from '../spec/weir-error.ts'

/** Thrown when two plugins of one kind have the same `type`. */
export const DUPLICATE_PLUGIN_TYPE = 'PLUGIN_DUPLICATE_TYPE'

/**
 * The plugins of one kind, by `type`; registering a type twice throws a `WeirError` with code
 * `PLUGIN_DUPLICATE_TYPE`.
 * @example
 * const io = createIoRegistry(builtinIo).register(httpIo)
 * io.get('http') // httpIo
 * io.register(httpIo) // throws: IoManager type 'http' is registered twice
 */
export class PluginRegistry<P extends { readonly type: string }> {
  readonly #items = new Map<string, P>()
  readonly #kind: string

  /** `kind` names the plugins in messages (`IoManager`, `target`, `executor`). */
  constructor(kind: string, initial: Iterable<P> = []) {
    this.#kind = kind
    for (const plugin of initial) this.register(plugin)
  }

  /** Adds a plugin; throws when its `type` is already registered. */
  register(plugin: P): this {
    if (this.#items.has(plugin.type))
      throw new WeirError(
        DUPLICATE_PLUGIN_TYPE,
        `${this.#kind} type '${plugin.type}' is registered twice; pass each type once (drop one of the two plugins, or give yours another type).`,
        { details: { kind: this.#kind, type: plugin.type } },
      )
    this.#items.set(plugin.type, plugin)
    return this
  }

  /** The plugin of a type, or undefined when none is registered. */
  get(type: string): P | undefined {
    return this.#items.get(type)
  }

  /** The registered types, in registration order (for "known types: …" messages). */
  types(): string[] {
    return [...this.#items.keys()]
  }

  /** The registered plugins, in registration order. */
  values(): P[] {
    return [...this.#items.values()]
  }
}

/** A registry of IoManager plugins. */
export const createIoRegistry = (plugins: Iterable<IoPlugin<never>> = []): PluginRegistry<IoPlugin<never>> => new PluginRegistry('IoManager', plugins)
/** A registry of target plugins (or of their type and config schema alone, as validation needs them: catalog.ts). */
export const createTargetRegistry = <P extends Pick<TargetPlugin<never>, 'type'> = TargetPlugin<never>>(plugins: Iterable<P> = []): PluginRegistry<P> => new PluginRegistry<P>('Target', plugins)
/** A registry of executor plugins. */
export const createExecutorRegistry = (plugins: Iterable<ExecutorPlugin<never>> = []): PluginRegistry<ExecutorPlugin<never>> =>
  new PluginRegistry('Executor', plugins)
