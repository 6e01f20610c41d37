/** A spec's hash (Pipeline.specHash): the sha256 of its decoded text, in hex. What a run records, and what `weir execute` is told the run validated. */
import { createRequire } from 'node:module'

/**
 * node:crypto is loaded on the first hash, not with this module: it brings node:stream, and the
 * commands that validate a spec without asking for its hash (`weir execute` of an engine's task,
 * `weir spec validate`) would pay for both.
 */
export function specHashOf(text: string): string {
  const { createHash } = createRequire(import.meta.url)('node:crypto') as typeof import('node:crypto')
  return createHash('sha256').update(text).digest('hex')
}
