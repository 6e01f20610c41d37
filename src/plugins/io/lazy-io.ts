/**
 * An IoManager whose implementation is imported on first use, so plugin descriptors stay cheap to
 * load (the CLI lists every plugin at start) and `create` can stay synchronous.
 */
import type { CacheIndex, IoContext, IoManager, OutputKey, StoredRef } from '../types.ts'

/**
 * Wraps a loader; the first call of any method imports and builds the real IoManager, once. With
 * `cache: true` (the real one has a cache index) the wrapper's `cache` loads it the same way.
 */
export function createLazyIo(load: () => Promise<IoManager>, options: { readonly cache?: boolean } = {}): IoManager {
  let loading: Promise<IoManager> | undefined
  const get = () => (loading ??= load())
  const cache = async (): Promise<CacheIndex> => {
    const io = await get()
    if (!io.cache) throw new Error('this IoManager has no cache index')
    return io.cache
  }
  return {
    ...(options.cache && {
      cache: {
        read: async (address, signal) => (await cache()).read(address, signal),
        write: async (entry, mode, signal) => (await cache()).write(entry, mode, signal),
        list: async (filter, signal) => (await cache()).list(filter, signal),
        remove: async (entry, removeOptions, signal) => (await cache()).remove(entry, removeOptions, signal),
        // Without `owns` of its own, the real index stores every entry (as if it had none).
        owns: async (output) => (await cache()).owns?.(output) ?? true,
        inspect: async (address, signal) => {
          const index = await cache()
          return index.inspect ? index.inspect(address, signal) : index.read(address, signal)
        },
      } satisfies CacheIndex,
    }),
    async write(key: OutputKey, value: unknown, ctx: IoContext): Promise<StoredRef> {
      return (await get()).write(key, value, ctx)
    },
    async read(ref: StoredRef, ctx: IoContext): Promise<unknown> {
      return (await get()).read(ref, ctx)
    },
    async exists(ref: StoredRef, ctx: Pick<IoContext, 'signal'>): Promise<boolean> {
      const io = await get()
      if (!io.exists) throw new Error('exists() is not supported by this IoManager')
      return io.exists(ref, ctx)
    },
  }
}
