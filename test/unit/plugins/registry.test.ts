// The plugin registry is real (issue 14): every list of plugins weir is given goes through it, so a
// type registered twice is refused on the path docs/writing-a-plugin.md shows (catalogOf, then
// runPipeline with the same list), and an unknown type lists exactly the registered types.
import { describe, expect, test } from 'vitest'
import { join } from 'node:path'
import { builtinIo, builtinTargets } from '../../../src/plugins/builtins.ts'
import { builtinCatalog, catalogOf } from '../../../src/plugins/catalog.ts'
import { createIoRegistry, createTargetRegistry, PluginRegistry } from '../../../src/plugins/registry.ts'
import type { IoPlugin, TargetPlugin } from '../../../src/plugins/types.ts'
import { runPipeline } from '../../../src/runtime/run-pipeline.ts'
import { validateSpec } from '../../../src/spec/validate.ts'
import { mapIo, pipelineFromYaml, specText, tempDir } from '../runtime/helpers.ts'

/** A plugin as a third-party package would export it. */
const httpIo: IoPlugin<never> = {
  type: 'http',
  configSchema: { type: 'object', properties: { baseUrl: { type: 'string' } }, additionalProperties: false },
  create: () => mapIo('http').create({} as never, { cwd: '.', stateDir: '.', log: console }),
}

const duplicate = { code: 'PLUGIN_DUPLICATE_TYPE' }

describe('the path docs/writing-a-plugin.md shows', () => {
  test('catalogOf refuses an IoManager type given twice, naming it', () => {
    const ioPlugins = [...builtinIo, httpIo, httpIo]
    expect(() => catalogOf(ioPlugins, builtinTargets)).toThrow(expect.objectContaining(duplicate))
    expect(() => catalogOf(ioPlugins, builtinTargets)).toThrow("IoManager type 'http' is registered twice")
  })

  test('catalogOf refuses a plugin that takes a built-in type', () => {
    const myFs: IoPlugin<never> = { ...httpIo, type: 'fs' }
    expect(() => catalogOf([...builtinIo, myFs], builtinTargets)).toThrow("IoManager type 'fs' is registered twice")
  })

  test('catalogOf refuses a target type given twice', () => {
    expect(() => catalogOf(builtinIo, [...builtinTargets, builtinTargets[0]!])).toThrow(expect.objectContaining(duplicate))
  })

  test('runPipeline refuses an IoManager type given twice before the run starts', async () => {
    const pipeline = await pipelineFromYaml(specText('dup', { a: '' }))
    const stateDir = await tempDir()
    await expect(runPipeline(pipeline, { ioPlugins: [mapIo(), mapIo()], stateDir })).rejects.toMatchObject(duplicate)
  })

  test('an unknown io type in a spec is a diagnostic listing the registered types, the new one included', async () => {
    const yaml = `apiVersion: weir/v1\nkind: Pipeline\nname: p\nio:\n  store: { type: htp }\ntasks:\n  a: { handler: ./h.ts#a, io: store }\n`
    const { diagnostics } = await validateSpec(yaml, { path: join(await tempDir(), 'p.yaml'), checkHandlers: false, plugins: catalogOf([...builtinIo, httpIo], builtinTargets) })
    const unknown = diagnostics.find((d) => d.code === 'UNKNOWN_IO_TYPE')
    expect(unknown?.message).toContain("'htp'")
    expect(unknown?.message).toContain("'http'")
  })
})

describe('PluginRegistry', () => {
  test('keeps plugins by type, in registration order', () => {
    const registry = createIoRegistry(builtinIo).register(httpIo)
    expect(registry.types()).toEqual(['fs', 'memory', 'gcs', 'http'])
    expect(registry.get('http')).toBe(httpIo)
    expect(registry.get('nope')).toBeUndefined()
  })

  test('register refuses a type already registered, and keeps the first', () => {
    const registry = new PluginRegistry<TargetPlugin<never>>('Target', builtinTargets)
    const impostor = { ...builtinTargets[0]! }
    expect(() => registry.register(impostor)).toThrow(expect.objectContaining({ ...duplicate, details: { kind: 'Target', type: impostor.type } }))
    expect(registry.get(impostor.type)).toBe(builtinTargets[0])
  })

  test('the built-ins register without a clash', () => {
    expect(createTargetRegistry(builtinTargets).types()).toEqual(['databricks', 'argo'])
  })

  test('builtinCatalog, which lists the targets by their schemas alone, is the catalog of the built-in plugins', () => {
    expect(builtinCatalog()).toEqual(catalogOf(builtinIo, builtinTargets))
    for (const target of builtinTargets) expect(builtinCatalog().targets.get(target.type)).toBe(target.configSchema)
  })
})
