/** Shared helpers of the spec tests: fixture paths and a fixed plugin catalog. */
import { resolve } from 'node:path'
import { builtinIo } from '../../../src/plugins/builtins.ts'
import type { PluginCatalog } from '../../../src/spec/validate.ts'

export const FIXTURES = resolve(import.meta.dirname, '../../fixtures/pipelines')

export function fixture(kind: 'valid' | 'invalid', file: string): string {
  return resolve(FIXTURES, kind, file)
}

/**
 * The built-in IoManagers plus two stand-in targets with fixed schemas, so target checks do not
 * depend on which target plugins are registered at the time.
 */
export const testCatalog: PluginCatalog = {
  io: new Map(builtinIo.map((p) => [p.type, p.configSchema])),
  targets: new Map([
    ['argo', { type: 'object', additionalProperties: false, required: ['image'], properties: { image: { type: 'string' }, namespace: { type: 'string' } } }],
    ['databricks', { type: 'object', properties: { node_type_id: { type: 'string' } } }],
  ]),
}

export interface PropertyInfo {
  readonly path: string
  readonly node: Record<string, unknown>
  readonly required: boolean
}

/** Every property declared anywhere in the schema (through items, branches and maps), with its path. */
export function listSchemaProperties(node: unknown, path = ''): PropertyInfo[] {
  if (node === null || typeof node !== 'object') return []
  if (Array.isArray(node)) return node.flatMap((item) => listSchemaProperties(item, path))
  const n = node as Record<string, unknown>
  const found: PropertyInfo[] = []
  const required = new Set(Array.isArray(n.required) ? (n.required as string[]) : [])
  for (const [key, sub] of Object.entries((n.properties ?? {}) as Record<string, Record<string, unknown>>)) {
    const subPath = `${path}/${key}`
    found.push({ path: subPath, node: sub, required: required.has(key) })
    found.push(...listSchemaProperties(sub, subPath))
  }
  for (const key of ['additionalProperties', 'items', 'then', 'else', 'anyOf'])
    if (n[key] !== undefined) found.push(...listSchemaProperties(n[key], key === 'additionalProperties' ? `${path}/*` : path))
  return found
}

/** mulberry32: tiny, fast and good enough to pick mutations. */
export function createRng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
