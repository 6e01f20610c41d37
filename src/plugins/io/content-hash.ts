/**
 * The content hash of a stored output (`StoredRef.contentHash`), computed on the way to the store:
 * bytes in memory are hashed directly, a stream chunk by chunk as it passes, never held whole.
 */
import { createHash } from 'node:crypto'
import { pipeline, Transform, type Readable } from 'node:stream'
import { IoError } from './io-error.ts'

/** `sha256:<hex>` of bytes. */
export function hashBytes(bytes: Uint8Array): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`
}

/**
 * A stream that passes `source` through unchanged while hashing it, and the digest once it has
 * been read to the end. An error of the source (or of the reader) reaches both sides.
 *
 * The tap accepts any chunk (`writableObjectMode`) and refuses what is not bytes or text itself,
 * as a failed write: a byte-mode Writable throws on an object chunk from inside the source's
 * `data` event, where nothing catches it, and the whole run process died of one handler that
 * returned `Readable.from([{ a: 1 }])`.
 */
export function hashWhileStreaming(source: Readable): { readonly stream: Readable; digest(): string } {
  const hash = createHash('sha256')
  const tap = new Transform({
    writableObjectMode: true,
    transform(chunk: unknown, _encoding, done) {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk instanceof Uint8Array ? chunk : undefined
      if (bytes === undefined) {
        done(new IoError('IO_UNSUPPORTED_VALUE', `The task's output stream emitted ${describeChunk(chunk)}; an output stream must emit bytes (Buffer, Uint8Array) or strings. Serialise objects first (e.g. one JSON line per object), or return them as JSON or an Arrow Table.`))
        return
      }
      hash.update(bytes)
      done(null, bytes)
    },
  })
  const stream = pipeline(source, tap, () => {})
  return { stream, digest: () => `sha256:${hash.digest('hex')}` }
}

function describeChunk(chunk: unknown): string {
  if (chunk === null) return 'null'
  if (Array.isArray(chunk)) return 'an array'
  return typeof chunk === 'object' ? 'an object' : `a ${typeof chunk}`
}

/**
 * `sha256:<hex>` of what `source` yields, read chunk by chunk (an output may be gigabytes), or
 * undefined once it yields more than `maxBytes`: the stream is then closed unread.
 */
export async function hashStream(source: Readable, maxBytes: number): Promise<string | undefined> {
  const hash = createHash('sha256')
  let bytes = 0
  for await (const chunk of source) {
    const data = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : (chunk as Uint8Array)
    bytes += data.byteLength
    if (bytes > maxBytes) return undefined
    hash.update(data)
  }
  return `sha256:${hash.digest('hex')}`
}
