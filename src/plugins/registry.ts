import type { ExecutorPlugin, IoPlugin, TargetPlugin } from './types.ts'

/** A registry of plugins keyed by their `type`/`name`; registering a key twice is an error. */
export class PluginRegistry<P> {
  readonly #items = new Map<string, P>()
  readonly #kind: string
  readonly #keyOf: (plugin: P) => string

  constructor(kind: string, keyOf: (plugin: P) => string, initial: Iterable<P> = []) {
    this.#kind = kind
    this.#keyOf = keyOf
    for (const plugin of initial) this.register(plugin)
  }

  register(plugin: P): this {
    const key = this.#keyOf(plugin)
    if (this.#items.has(key)) throw new Error(`${this.#kind} '${key}' is registered twice; each type may be registered once.`)
    this.#items.set(key, plugin)
    return this
  }

  get(key: string): P | undefined {
    return this.#items.get(key)
  }

  keys(): string[] {
    return [...this.#items.keys()]
  }

  values(): P[] {
    return [...this.#items.values()]
  }
}

export const createIoRegistry = (plugins: Iterable<IoPlugin<never>> = []) =>
  new PluginRegistry<IoPlugin<never>>('IoManager type', (p) => p.type, plugins)
export const createTargetRegistry = (plugins: Iterable<TargetPlugin<never>> = []) =>
  new PluginRegistry<TargetPlugin<never>>('Target', (p) => p.type, plugins)
export const createExecutorRegistry = (plugins: Iterable<ExecutorPlugin<never>> = []) =>
  new PluginRegistry<ExecutorPlugin<never>>('Executor type', (p) => p.type, plugins)
