import { randomUUID } from 'node:crypto'

/**
 * A new run id: UTC time to the second plus 6 random hex digits, e.g. `20261122-030812-a1b2c3`.
 * Sorts by start time, reads well in `weir runs`, and is safe as a folder name and a URI segment.
 */
export function createRunId(now: Date = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15)
  // The first 6 hex digits of a random UUID (all random in a v4 UUID): Node draws UUIDs from a
  // cached pool of random bytes, where randomBytes(3) asked the system for 3 bytes on every run.
  return `${stamp}-${randomUUID().slice(0, 6)}`
}
