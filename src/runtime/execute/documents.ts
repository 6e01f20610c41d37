/**
 * Reads and writes the small JSON documents of the execute contract under an output prefix, through
 * the byte store of the IoManager type that owns the prefix's scheme (`file://` for `fs`, `gs://` for
 * `gcs`; see `RemoteIo`).
 */
import { dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Pipeline } from '../../spec/model.ts'
import type { ByteStore, PluginEnv } from '../../plugins/types.ts'
import { joinUri } from '../../plugins/io/output-location.ts'
import { makeDirsSync } from '../../plugins/io/make-dirs.ts'
import { tempPathFor } from '../../plugins/io/temp-files.ts'
import { WeirError } from '../errors.ts'
import type { ProtocolEnv } from './output-prefix.ts'

export interface DocumentStore {
  read<T>(name: string): Promise<T | undefined>
  /** `folderFlushedByNext`: the next write, into the same folder, makes this one durable too (PutOptions). */
  write(name: string, value: unknown, options?: { readonly folderFlushedByNext?: boolean }): Promise<void>
  /**
   * Writes the document before returning, for a process that is exiting; undefined when the store
   * cannot write synchronously (a network store: only a local one can, `ByteStore.putSync`).
   */
  readonly writeNow?: (name: string, value: unknown) => void
  /** Removes the document if it is there; does nothing where the store cannot remove (`ByteStore.remove` is optional). */
  remove(name: string): Promise<void>
  /**
   * The document as bytes, with its file and a temp file beside it, for another thread to write as
   * `writeNow` would (the blocked-loop watchdog's, which cannot call back into a blocked thread);
   * makes the folder. Undefined unless the prefix is a local folder.
   */
  readonly prepareWrite?: (name: string, value: unknown) => { readonly file: string; readonly temp: string; readonly bytes: Uint8Array }
}

/** Opens the documents under `prefix` (a URI). */
export async function openDocuments(prefix: string, pipeline: Pipeline, env: ProtocolEnv & PluginEnv): Promise<DocumentStore> {
  const store = await byteStoreFor(prefix, pipeline, env)
  const signal = new AbortController().signal
  return {
    async read<T>(name: string): Promise<T | undefined> {
      const uri = joinUri(prefix, name)
      // A local store reads a document in one synchronous call: the parent of a subprocess run reads
      // one per task, and a stat then fs.promises' open, stat, read and close (four round trips
      // through the thread pool) cost more than the reading.
      if (store.readSmall) {
        const bytes = await store.readSmall(uri, signal)
        return bytes === undefined ? undefined : (JSON.parse(bytes.toString('utf8')) as T)
      }
      if (!(await store.exists(uri, signal))) return undefined
      return JSON.parse((await store.readAll(uri, signal)).toString('utf8')) as T
    },
    async write(name, value, options) {
      await store.put(joinUri(prefix, name), documentBytes(value), { signal, contentType: 'application/json', ...(options?.folderFlushedByNext && { folderFlushedByNext: true }) })
    },
    async remove(name) {
      await store.remove?.(joinUri(prefix, name), signal)
    },
    ...(store.putSync && { writeNow: (name: string, value: unknown) => store.putSync!(joinUri(prefix, name), documentBytes(value)) }),
    ...(store.putSync && prefix.startsWith('file:') && { prepareWrite: (name: string, value: unknown) => prepareLocalWrite(fileURLToPath(joinUri(prefix, name)), value) }),
  }
}

function prepareLocalWrite(file: string, value: unknown): { file: string; temp: string; bytes: Uint8Array } {
  makeDirsSync(dirname(file))
  return { file, temp: tempPathFor(file), bytes: documentBytes(value) }
}

function documentBytes(value: unknown): Buffer {
  return Buffer.from(`${JSON.stringify(value, null, 2)}\n`, 'utf8')
}

async function byteStoreFor(prefix: string, pipeline: Pipeline, env: ProtocolEnv & PluginEnv): Promise<ByteStore> {
  const plugin = env.ioPlugins.find((p) => p.remote && prefix.startsWith(p.remote.scheme))
  if (!plugin?.remote) {
    const choices = ['a path', ...env.ioPlugins.flatMap((p) => (p.remote ? [`${p.remote.scheme}//`] : []))]
    const list = choices.length === 1 ? choices[0] : `${choices.slice(0, -1).join(', ')} or ${choices.at(-1)}`
    throw new WeirError('IO_UNSUPPORTED_URI', `Output prefix '${prefix}' has a scheme weir execute cannot write to; use ${list}.`)
  }
  const configs = Object.values(pipeline.io).flatMap((d) => (d.type === plugin.type ? [d.config as never] : []))
  return plugin.remote.openStore(prefix, configs, env)
}
