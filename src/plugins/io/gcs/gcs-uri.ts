/** `gs://bucket/name` URIs. */
import { IoError } from '../io-error.ts'
import { hasUnusableSegment } from '../../../spec/execute-location.ts'

export interface GcsLocation {
  readonly bucket: string
  readonly name: string
}

/**
 * Splits a `gs://bucket/object/name` URI; throws `IO_UNSUPPORTED_URI` for anything else, and for a
 * name with an empty, `.` or `..` segment (from a `prefix: ../x`, `a//b`, or an `--output-prefix
 * gs://b/../x`): Cloud Storage keeps such names literally, where gcsfuse, gsutil and the console
 * read them as paths, and no output of weir's has one.
 */
export function parseGsUri(uri: string): GcsLocation {
  const match = /^gs:\/\/([^/]+)\/(.+)$/.exec(uri)
  if (!match) throw new IoError('IO_UNSUPPORTED_URI', `'${uri}' is not a gs://bucket/object URI.`)
  if (hasUnusableSegment(match[2]!))
    throw new IoError('IO_UNSUPPORTED_URI', `'${uri}' has an empty, '.' or '..' segment in its object name; check the gcs IoManager's 'prefix' and any --output-prefix or --inputs URI.`)
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
