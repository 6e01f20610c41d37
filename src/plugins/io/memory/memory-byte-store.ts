/**
 * The in-process byte store behind the `memory` IoManager: a Map from `memory://` URI to bytes.
 * A body is collected in full before it is put in the map, so readers never see part of one.
 */
import { Readable } from 'node:stream'
import type { OutputKey } from '../../types.ts'
import type { ByteBody, ByteStore, PutOptions } from '../byte-store.ts'
import { IoError } from '../io-error.ts'
import { keyFolder } from '../output-location.ts'

/** Creates an empty memory store; its objects live as long as it does. */
export function createMemoryByteStore(): ByteStore {
  const objects = new Map<string, Buffer>()
  // Each object written gets the next number as its version, so a ref tells a replaced object.
  const versions = new Map<string, string>()
  let written = 0
  const store = (uri: string, bytes: Buffer): string => {
    const version = String(++written)
    objects.set(uri, bytes)
    versions.set(uri, version)
    return version
  }
  const get = (uri: string): Buffer => {
    const bytes = objects.get(uri)
    if (!bytes)
      throw new IoError(
        'OUTPUT_NOT_FOUND',
        `Output '${uri}' does not exist; memory outputs live only in the IoManager instance (and process) that wrote them.`,
      )
    return bytes
  }
  return {
    scheme: 'memory:',
    folderOf(key: OutputKey): string {
      if (key.prefix === undefined) return `memory://${keyFolder(key)}`
      if (key.prefix.startsWith('memory://')) return key.prefix.replace(/\/+$/, '')
      if (/^[a-z][a-z0-9+.-]*:\/\//i.test(key.prefix))
        throw new IoError('IO_UNSUPPORTED_URI', `The memory IoManager cannot write to '${key.prefix}'; give a memory:// URI or a path.`)
      return `memory://${key.prefix.replace(/^\/+|\/+$/g, '')}`
    },
    owns(uri: string): boolean {
      return uri.startsWith('memory://')
    },
    async put(uri: string, body: ByteBody, options: PutOptions) {
      const bytes = body instanceof Uint8Array ? Buffer.from(body) : await collect(body, options.signal)
      options.signal.throwIfAborted()
      return { sizeBytes: bytes.byteLength, version: store(uri, bytes) }
    },
    async openRead(uri: string) {
      return Readable.from([get(uri)])
    },
    async readAll(uri: string) {
      return Buffer.from(get(uri))
    },
    async exists(uri: string) {
      return objects.has(uri)
    },
    async versionOf(uri: string) {
      return versions.get(uri)
    },
    async sizeOf(uri: string) {
      return objects.get(uri)?.byteLength
    },
    async create(uri: string, body: Uint8Array, options: PutOptions) {
      options.signal.throwIfAborted()
      if (objects.has(uri)) return false
      store(uri, Buffer.from(body))
      return true
    },
    async list(uri: string) {
      const folder = uri.endsWith('/') ? uri : `${uri}/`
      return [...objects.keys()].filter((key) => key.startsWith(folder))
    },
    async remove(uri: string) {
      objects.delete(uri)
      versions.delete(uri)
    },
  }
}

async function collect(stream: Readable, signal: AbortSignal): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of stream) {
    signal.throwIfAborted()
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk as Uint8Array))
  }
  return Buffer.concat(chunks)
}
