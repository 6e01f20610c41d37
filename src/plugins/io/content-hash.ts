/**
 * The content hash of a stored output (`StoredRef.contentHash`), computed on the way to the store:
 * bytes in memory are hashed directly, a stream chunk by chunk as it passes, never held whole.
 */
import { createHash } from 'node:crypto'
import { pipeline, Transform, type Readable } from 'node:stream'

/** `sha256:<hex>` of bytes. */
export function hashBytes(bytes: Uint8Array): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`
}

/**
 * A stream that passes `source` through unchanged while hashing it, and the digest once it has
 * been read to the end. An error of the source (or of the reader) reaches both sides.
 */
export function hashWhileStreaming(source: Readable): { readonly stream: Readable; digest(): string } {
  const hash = createHash('sha256')
  const tap = new Transform({
    transform(chunk: Buffer | string, _encoding, done) {
      hash.update(chunk)
      done(null, chunk)
    },
  })
  const stream = pipeline(source, tap, () => {})
  return { stream, digest: () => `sha256:${hash.digest('hex')}` }
}
