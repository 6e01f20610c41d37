/**
 * weir ids → Argo names. DAG task and template names must match `^[a-zA-Z0-9][-a-zA-Z0-9]*$`, and
 * Kubernetes object names are DNS-1123 (lowercase alphanumerics and `-`, starting and ending with
 * an alphanumeric, ≤ 63 characters for labels). weir ids are `[a-z][a-z0-9_]*`, so `_` becomes `-`;
 * what would collide after that (or after cutting to 63) gets a short hash suffix.
 */
import { createHash } from 'node:crypto'

const MAX = 63

/** One id as a DNS-1123 label (not yet made unique). */
export function toDnsLabel(id: string): string {
  const cleaned = id.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/-+/g, '-').replace(/^-+|-+$/g, '')
  const label = cleaned === '' ? 'x' : /^[a-z]/.test(cleaned) ? cleaned : `t-${cleaned}`
  return label.length <= MAX ? label : `${label.slice(0, MAX - 9).replace(/-+$/, '')}-${hash(id)}`
}

/** Maps every id to a distinct DNS-1123 label; stable for the same set of ids. */
export function toUniqueDnsLabels(ids: readonly string[]): Map<string, string> {
  const byLabel = new Map<string, string[]>()
  for (const id of ids) {
    const label = toDnsLabel(id)
    byLabel.set(label, [...(byLabel.get(label) ?? []), id])
  }
  const result = new Map<string, string>()
  for (const [label, owners] of byLabel) {
    owners.forEach((id, i) => {
      if (i === 0) return result.set(id, label)
      // Later owners of a shared label get a hash of their own id: stable and collision-free.
      const unique = `${label.slice(0, MAX - 9).replace(/-+$/, '')}-${hash(id)}`
      result.set(id, unique)
    })
  }
  return result
}

function hash(id: string): string {
  return createHash('sha256').update(id).digest('hex').slice(0, 8)
}
