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
