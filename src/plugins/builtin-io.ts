/**
 * The built-in IoManager plugins, apart from the other built-ins (builtins.ts re-exports them): what
 * `weir execute` needs, without the targets' and executors' descriptors and the chunks they share.
 */
import type { IoPlugin } from './types.ts'
import { fsIo } from './io/fs/index.ts'
import { memoryIo } from './io/memory/index.ts'
import { gcsIo } from './io/gcs/index.ts'

export const builtinIo = [fsIo, memoryIo, gcsIo] as const satisfies readonly IoPlugin<never>[]
