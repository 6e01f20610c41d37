/** `gs://bucket/name` URIs. */
import { IoError } from '../io-error.ts'

export interface GcsLocation {
  readonly bucket: string
  readonly name: string
}

/** Splits a `gs://bucket/object/name` URI; throws `IO_UNSUPPORTED_URI` for anything else. */
export function parseGsUri(uri: string): GcsLocation {
  const match = /^gs:\/\/([^/]+)\/(.+)$/.exec(uri)
  if (!match) throw new IoError('IO_UNSUPPORTED_URI', `'${uri}' is not a gs://bucket/object URI.`)
  return { bucket: match[1]!, name: match[2]! }
}

/** The URI of an object. */
export function formatGsUri(location: GcsLocation): string {
  return `gs://${location.bucket}/${location.name}`
}

/** Joins object-name parts with single slashes, dropping empty parts and outer slashes. */
export function joinObjectName(...parts: readonly string[]): string {
  return parts
    .map((p) => p.replace(/^\/+|\/+$/g, ''))
    .filter((p) => p !== '')
    .join('/')
}
