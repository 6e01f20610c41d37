/**
 * Every generated Databricks and Argo definition of every fixture and example validates against the
 * engine's published JSON Schema (../shared/target-schemas, compiled once: they are large), and its
 * text is pinned by a file snapshot.
 */
import { beforeAll, describe, expect, test } from 'vitest'
import { parse } from 'yaml'
import type { ValidateFunction } from 'ajv'
import { argoTarget } from '../../../src/plugins/targets/argo/index.ts'
import { databricksTarget } from '../../../src/plugins/targets/databricks/index.ts'
import type { GeneratedFile, TargetPlugin } from '../../../src/plugins/types.ts'
import { EXAMPLE_CONFIGS, loadPipeline, readSchema, specsUnderTest } from './support.ts'

let databricksSchema: ValidateFunction
let argoSchema: ValidateFunction

beforeAll(async () => {
  // CommonJS interop: the class is `default` or `default.default` depending on the loader.
  type AjvClass = new (options: import('ajv').Options) => { compile: (schema: object) => ValidateFunction }
  const classOf = (mod: { default: unknown }): AjvClass => {
    const exported = mod.default as { default?: AjvClass } & AjvClass
    return exported.default ?? exported
  }
  const Ajv = classOf(await import('ajv'))
  const Ajv2020 = classOf(await import('ajv/dist/2020.js'))
  databricksSchema = new Ajv({ strict: false, allErrors: true, validateFormats: false }).compile(readSchema('databricks-bundle.schema.json'))
  argoSchema = new Ajv2020({ strict: false, allErrors: true, validateFormats: false }).compile(readSchema('argo-workflows.schema.json'))
}, 60_000)

const specs = await specsUnderTest()
const targets: readonly TargetPlugin<never>[] = [databricksTarget, argoTarget] as readonly TargetPlugin<never>[]

function configOf(pipeline: Awaited<ReturnType<typeof loadPipeline>>, target: string): never {
  return (pipeline.targets[target] ?? EXAMPLE_CONFIGS[target as keyof typeof EXAMPLE_CONFIGS]) as never
}

function errorsOf(validate: ValidateFunction, value: unknown): string[] {
  return validate(value) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`)
}

/** What each generated file must validate as. */
function documentsOf(target: string, file: GeneratedFile): unknown[] {
  if (file.path.endsWith('.py')) return []
  if (file.path.endsWith('.json')) return target === 'databricks' ? [{ resources: { jobs: { job: JSON.parse(file.contents) as unknown } } }] : []
  return [parse(file.contents) as unknown]
}

describe.each(specs)('$name', ({ name, path }) => {
  describe.each(targets.map((t) => ({ target: t })))('$target.name', ({ target }) => {
    test('generates definitions that match the engine schema and the snapshot', async () => {
      const pipeline = await loadPipeline(path)
      const files = target.generate(pipeline, configOf(pipeline, target.name))
      expect(files.length).toBeGreaterThan(0)
      for (const file of files) {
        for (const doc of documentsOf(target.name, file))
          expect(errorsOf(target.name === 'argo' ? argoSchema : databricksSchema, doc), file.path).toEqual([])
        if (!file.path.endsWith('.py')) await expect(file.contents).toMatchFileSnapshot(`__snapshots__/${name}/${target.name}/${file.path}`)
      }
    })
  })
})

describe('the schemas catch mistakes (so the checks above mean something)', () => {
  test('an unknown run_if is refused by the Databricks schema', () => {
    const job = { resources: { jobs: { j: { name: 'j', tasks: [{ task_key: 'a', run_if: 'ONE_FAILED', spark_python_task: { python_file: 'x.py' } }] } } } }
    expect(errorsOf(databricksSchema, job).length).toBeGreaterThan(0)
  })
  test('a numeric retry limit is refused by the Argo schema (IntOrString is a string there)', () => {
    const wf = { apiVersion: 'argoproj.io/v1alpha1', kind: 'WorkflowTemplate', metadata: { name: 'x' }, spec: { templates: [{ name: 't', retryStrategy: { limit: 2 }, container: { image: 'i' } }] } }
    expect(errorsOf(argoSchema, wf).length).toBeGreaterThan(0)
  })
})
