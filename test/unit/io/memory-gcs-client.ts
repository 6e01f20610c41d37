/**
 * An in-memory GcsClient with Cloud Storage's semantics where weir relies on them: generations,
 * `ifGenerationMatch` preconditions (412), objects visible only once the whole body arrived, reads
 * pinned to a generation, and injectable transient failures.
 */
import { Readable } from 'node:stream'
import type { GcsClient, GcsObjectStat, GcsPutOptions } from '../../../src/plugins/io/gcs/gcs-client.ts'
import type { ByteBody } from '../../../src/plugins/io/byte-store.ts'

type Op = 'put' | 'stat' | 'get' | 'delete'

export interface MemoryGcsClient extends GcsClient {
  /** Every put's options, in call order. */
  readonly puts: { bucket: string; name: string; options: Omit<GcsPutOptions, 'signal'> }[]
  /** Makes the next calls of `op` throw these errors, one each. */
  failNext(op: Op, ...errors: Error[]): void
  /** Replaces an object behind weir's back (a concurrent writer). */
  overwrite(bucket: string, name: string, data: Buffer): void
  /** Runs before a put makes its object visible (to interleave a concurrent writer). */
  beforeCommit?: (bucket: string, name: string) => void
}

/** An error carrying an HTTP status, as the real client's errors do. */
export function httpError(status: number, message = `HTTP ${status}`): Error {
  return Object.assign(new Error(message), { code: status })
}

export function createMemoryGcsClient(): MemoryGcsClient {
  const objects = new Map<string, { generation: number; data: Buffer; history: Map<number, Buffer> }>()
  const failures: Record<Op, Error[]> = { put: [], stat: [], get: [], delete: [] }
  let nextGeneration = 1_700_000_000_000_000
  const keyOf = (bucket: string, name: string) => `${bucket}/${name}`
  const maybeFail = (op: Op) => {
    const error = failures[op].shift()
    if (error) throw error
  }
  const commit = (bucket: string, name: string, data: Buffer): GcsObjectStat => {
    const generation = ++nextGeneration
    const existing = objects.get(keyOf(bucket, name))
    const history = existing?.history ?? new Map<number, Buffer>()
    history.set(generation, data)
    objects.set(keyOf(bucket, name), { generation, data, history })
    return { generation: String(generation), size: data.length }
  }

  const client: MemoryGcsClient = {
    puts: [],
    failNext(op, ...errors) {
      failures[op].push(...errors)
    },
    overwrite(bucket, name, data) {
      commit(bucket, name, data)
    },
    async put(bucket: string, name: string, body: ByteBody, options: GcsPutOptions) {
      const { signal: _signal, ...recorded } = options
      client.puts.push({ bucket, name, options: recorded })
      maybeFail('put')
      const chunks: Buffer[] = []
      if (body instanceof Uint8Array) chunks.push(Buffer.from(body))
      else for await (const chunk of body) chunks.push(Buffer.from(chunk as Uint8Array))
      client.beforeCommit?.(bucket, name)
      const current = objects.get(keyOf(bucket, name))
      if (String(current?.generation ?? 0) !== options.ifGenerationMatch) throw httpError(412, 'Precondition Failed')
      return commit(bucket, name, Buffer.concat(chunks))
    },
    async stat(bucket: string, name: string) {
      maybeFail('stat')
      const object = objects.get(keyOf(bucket, name))
      return object ? { generation: String(object.generation), size: object.data.length } : undefined
    },
    get(bucket: string, name: string, generation: string) {
      maybeFail('get')
      const data = objects.get(keyOf(bucket, name))?.history.get(Number(generation))
      if (!data) {
        const stream = new Readable({ read() {} })
        process.nextTick(() => stream.destroy(httpError(404, 'No such object')))
        return stream
      }
      return Readable.from([data])
    },
    async list(bucket: string, prefix: string) {
      return [...objects.keys()].filter((k) => k.startsWith(keyOf(bucket, prefix))).map((k) => k.slice(bucket.length + 1))
    },
    async delete(bucket: string, name: string) {
      maybeFail('delete')
      objects.delete(keyOf(bucket, name))
    },
  }
  return client
}
