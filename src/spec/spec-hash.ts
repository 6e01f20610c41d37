/** A spec's hash (Pipeline.specHash): the sha256 of its decoded text, in hex. What a run records, and what `weir execute` is told the run validated. */
import { createHash } from 'node:crypto'

export function specHashOf(text: string): string {
  return createHash('sha256').update(text).digest('hex')
}
