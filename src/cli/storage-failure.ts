/**
 * Failures of storage or of the network under it (an IoManager's coded error, a refused or lost
 * connection to an emulator or a bucket) are the machine's or the configuration's, not a bug in
 * weir: they are told in one line, never as "internal error" (exit 70).
 */
import { propertyOf, thrownText } from '../spec/thrown-value.ts'

/** Codes of Node and its HTTP clients for a connection that could not be made or was lost. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EAI_AGAIN', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'ECONNABORTED', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_SOCKET'])

/** `'io'` for an IoManager's coded error, `'network'` for a connection failure (here or in its cause), else undefined. */
export function storageFailure(error: unknown): 'io' | 'network' | undefined {
  for (let e: unknown = error, depth = 0; e !== null && typeof e === 'object' && depth < 5; e = propertyOf(e, 'cause'), depth++) {
    const code = propertyOf(e, 'code')
    if (typeof code !== 'string') continue
    if (depth === 0 && code.startsWith('IO_')) return 'io'
    if (NETWORK_CODES.has(code)) return 'network'
  }
  return undefined
}

/** The first line of the error's message. */
export function firstLine(error: unknown): string {
  return thrownText(error).split('\n')[0]!
}
