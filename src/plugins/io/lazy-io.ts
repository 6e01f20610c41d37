/**
 * An IoManager whose implementation is imported on first use, so plugin descriptors stay cheap to
 * load (the CLI lists every plugin at start) and `create` can stay synchronous.
 */
import type { IoContext, IoManager, OutputKey, StoredRef } from '../types.ts'

/** Wraps a loader; the first call of any method imports and builds the real IoManager, once. */
export function createLazyIo(load: () => Promise<IoManager>): IoManager {
  let loading: Promise<IoManager> | undefined
  const get = () => (loading ??= load())
  return {
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
