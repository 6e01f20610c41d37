import type { IoPlugin } from '../../types.ts'

/** Outputs kept in this process's memory: for tests and in-process runs. */
export const memoryIo: IoPlugin<Record<string, never>> = {
  type: 'memory',
  configSchema: { type: 'object', additionalProperties: false, properties: {} },
  create() {
    throw new Error('memory IoManager: not implemented yet')
  },
}
