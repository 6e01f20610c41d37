/**
 * Reads and writes the small JSON documents of the execute contract under an output prefix, on the
 * local disk (`file://`) or in Cloud Storage (`gs://`), through the same byte stores the IoManagers use.
 */
import type { Pipeline } from '../../spec/model.ts'
import type { ByteStore } from '../../plugins/io/byte-store.ts'
import { joinUri } from '../../plugins/io/output-location.ts'

export interface DocumentStore {
  read<T>(name: string): Promise<T | undefined>
  write(name: string, value: unknown): Promise<void>
}

/** Opens the documents under `prefix` (a `file://` or `gs://` URI). */
export async function openDocuments(prefix: string, pipeline: Pipeline, cwd: string): Promise<DocumentStore> {
  const store = await byteStoreFor(prefix, pipeline, cwd)
  const signal = new AbortController().signal
  return {
    async read<T>(name: string): Promise<T | undefined> {
      const uri = joinUri(prefix, name)
      if (!(await store.exists(uri, signal))) return undefined
      return JSON.parse((await store.readAll(uri, signal)).toString('utf8')) as T
    },
    async write(name, value) {
      await store.put(joinUri(prefix, name), Buffer.from(`${JSON.stringify(value, null, 2)}\n`, 'utf8'), { signal, contentType: 'application/json' })
    },
  }
}

async function byteStoreFor(prefix: string, pipeline: Pipeline, cwd: string): Promise<ByteStore> {
  if (prefix.startsWith('file:')) {
    const { createFsByteStore } = await import('../../plugins/io/fs/fs-byte-store.ts')
    return createFsByteStore({ root: cwd, cwd })
  }
  if (prefix.startsWith('gs://')) {
    const bucket = prefix.slice('gs://'.length).split('/')[0]!
    // Same endpoint and project as the pipeline's gcs IoManager for this bucket, if it has one.
    const decl = Object.values(pipeline.io).find((d) => d.type === 'gcs' && d.config.bucket === bucket)
    const config = (decl?.config ?? {}) as { endpoint?: string; projectId?: string }
    const { createStorageGcsClient } = await import('../../plugins/io/gcs/storage-gcs-client.ts')
    const { createGcsByteStore } = await import('../../plugins/io/gcs/gcs-byte-store.ts')
    const { resolveProjectId } = await import('../../plugins/io/gcs/create-gcs-io.ts')
    const client = createStorageGcsClient({ projectId: resolveProjectId({ bucket, ...config }), ...(config.endpoint !== undefined && { endpoint: config.endpoint }) })
    return createGcsByteStore(client, { bucket, resumableThresholdBytes: 8 * 1024 * 1024, maxAttempts: 4, retryDelayMs: 250 })
  }
  throw Object.assign(new Error(`Output prefix '${prefix}' has a scheme weir execute cannot write to; use a path, file:// or gs://.`), { code: 'IO_UNSUPPORTED_URI' })
}
