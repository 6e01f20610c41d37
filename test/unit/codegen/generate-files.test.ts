import { describe, expect, test } from 'vitest'
import { join } from 'node:path'
import { generateFiles, selectTargets } from '../../../src/codegen/generate-files.ts'
import type { Pipeline } from '../../../src/spec/model.ts'
import type { TargetPlugin } from '../../../src/plugins/types.ts'
import { CODEGEN_FIXTURES, loadPipeline } from './support.ts'

/** A stand-in target plugin that writes one file per pipeline (or what `paths` says). */
function fakeTarget(name: string, paths?: string[]): TargetPlugin<never> {
  return {
    type: name,
    configSchema: { type: 'object' },
    generate: (pipeline: Pipeline, config: unknown) =>
      (paths ?? [`${name}/${pipeline.name}.json`]).map((path) => ({ path, contents: JSON.stringify({ pipeline: pipeline.name, config }) })),
  }
}

async function shopWithTargets(targets: Record<string, Record<string, unknown>>): Promise<Pipeline> {
  const pipeline = await loadPipeline(join(CODEGEN_FIXTURES, 'shop/pipelines/shop.yaml'))
  return { ...pipeline, targets }
}

describe('generateFiles', () => {
  const plugins = [fakeTarget('argo'), fakeTarget('databricks')]

  test('types: one <pipeline>.ts', async () => {
    const files = await generateFiles(await shopWithTargets({}), { target: 'types', plugins })
    expect(files.map((f) => [f.target, f.path])).toEqual([['types', 'shop.ts']])
  })

  test('a named target calls its plugin with the spec block as config', async () => {
    const files = await generateFiles(await shopWithTargets({ argo: { image: 'x' } }), { target: 'argo', plugins })
    expect(files).toEqual([{ target: 'argo', path: 'argo/shop.json', contents: '{"pipeline":"shop","config":{"image":"x"}}' }])
  })

  test('all: types plus every installed target the spec configures', async () => {
    const pipeline = await shopWithTargets({ databricks: {}, flyte: {} })
    expect(selectTargets(pipeline, { target: 'all', plugins })).toEqual(['types', 'databricks'])
  })

  test('a target that is not installed, or not configured by the spec, is a usage error', async () => {
    const pipeline = await shopWithTargets({})
    expect(() => selectTargets(pipeline, { target: 'flyte', plugins })).toThrow(expect.objectContaining({ code: 'TARGET_UNAVAILABLE', message: expect.stringContaining("'types', 'all', 'argo', 'databricks'") }))
    expect(() => selectTargets(pipeline, { target: 'argo', plugins })).toThrow(expect.objectContaining({ code: 'TARGET_NOT_CONFIGURED', message: expect.stringContaining("no 'targets.argo' block") }))
  })

  test("a misspelt target gets a suggestion; only a target the spec configures is 'not available in this build'", async () => {
    const pipeline = await shopWithTargets({ flyte: {} })
    expect(() => selectTargets(pipeline, { target: 'argoo', plugins })).toThrow(
      expect.objectContaining({ code: 'TARGET_UNAVAILABLE', message: "There is no target 'argoo'; did you mean 'argo'?" }),
    )
    expect(() => selectTargets(pipeline, { target: 'kubeflow', plugins })).toThrow(
      expect.objectContaining({ code: 'TARGET_UNAVAILABLE', message: "There is no target 'kubeflow'; use 'types', 'all', 'argo', 'databricks'." }),
    )
    expect(() => selectTargets(pipeline, { target: 'flyte', plugins })).toThrow(
      expect.objectContaining({ code: 'TARGET_UNAVAILABLE', message: "Target 'flyte' is not available in this build; use 'types', 'all', 'argo', 'databricks'." }),
    )
  })

  test.each([['../escape.yaml'], ['/etc/passwd'], ['a/../../b'], ['']])('refuses a plugin file at %j', async (path) => {
    const pipeline = await shopWithTargets({ argo: {} })
    await expect(generateFiles(pipeline, { target: 'argo', plugins: [fakeTarget('argo', [path])] })).rejects.toMatchObject({ code: 'UNSAFE_OUTPUT_PATH' })
  })
})
