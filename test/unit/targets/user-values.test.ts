/**
 * User values are data (#15): a param default or schedule param that looks like a placeholder of
 * weir (`{{task}}`), of Databricks (`{{job.id}}`, `${workspace.file_path}`), of Argo
 * (`{{workflow.name}}`) or of a shell (`$(…)`, backticks) reaches the generated files as written.
 * What the engines themselves would substitute in such a value, and cannot be told not to, is
 * reported by `spec validate --target` at the value.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parse } from 'yaml'
import { validateSpecFile } from '../../../src/spec/validate.ts'
import { builtinCatalog } from '../../../src/plugins/catalog.ts'
import type { Pipeline } from '../../../src/spec/model.ts'
import type { TargetPlugin } from '../../../src/plugins/types.ts'
import { checkTargets } from '../../../src/plugins/targets/check-targets.ts'
import { argoTarget } from '../../../src/plugins/targets/argo/index.ts'
import { databricksTarget } from '../../../src/plugins/targets/databricks/index.ts'

/** Every kind of placeholder-looking text, in one value. */
const TRICKY = '${workspace.file_path}/in {{task_key}} {{task}} {{job.id}} {{#if x}}y{{/if}} {{=sprig.env("HOME")}} $(whoami) `id` $$HOME ${var.x}'
const OBJECT = { note: '{{workflow.name}}', path: '${workspace.file_path}' }

let dir: string
let pipeline: Pipeline
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'weir-user-values-'))
  await writeFile(join(dir, 'package.json'), '{"type":"module"}')
  await writeFile(join(dir, 'h.ts'), 'export const ok = () => 1\n')
  const path = join(dir, 'values.yaml')
  await writeFile(
    path,
    [
      'apiVersion: weir/v1',
      'kind: Pipeline',
      'name: values',
      'description: "Reads ${workspace.file_path} and {{job.id}} as text"',
      'params:',
      `  tricky: { type: string, default: ${JSON.stringify(TRICKY)} }`,
      `  object: { type: object, default: ${JSON.stringify(OBJECT)} }`,
      '  plain: { type: string, default: "no placeholders" }',
      'tasks:',
      '  t:',
      '    handler: ./h.ts#ok',
      'schedule:',
      '  cron: "0 3 * * *"',
      '  params: { plain: "{{workflow.uid}}" }',
      'targets:',
      '  argo: { image: x, storage: "gs://b/weir" }',
      '  databricks: { workspace_path: /Workspace/Shared/values, storage: "gs://b/weir" }',
      '',
    ].join('\n'),
  )
  const result = await validateSpecFile(path, { plugins: builtinCatalog() })
  if (!result.pipeline) throw new Error(result.diagnostics.map((d) => d.message).join('\n'))
  pipeline = result.pipeline
})
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true })
})

const WRITTEN = { tricky: TRICKY, object: JSON.stringify(OBJECT) }

describe('generated files keep user values as written', () => {
  test('Databricks: jobs/<pipeline>.json and the bundle have the defaults and descriptions verbatim (the JSON used to replace ${workspace.file_path})', () => {
    const files = databricksTarget.generate(pipeline, pipeline.targets.databricks as never)
    const json = JSON.parse(files.find((f) => f.path === 'jobs/values.json')!.contents) as { description: string; parameters: { name: string; default: string }[]; tasks: { spark_python_task: { python_file: string; parameters: string[] } }[] }
    const bundle = (parse(files.find((f) => f.path === 'resources/values.job.yml')!.contents) as { resources: { jobs: { values: typeof json } } }).resources.jobs.values
    for (const job of [json, bundle]) {
      expect(Object.fromEntries(job.parameters.map((p) => [p.name, p.default]))).toEqual({ ...WRITTEN, plain: '{{workflow.uid}}' })
      expect(job.description).toBe('Reads ${workspace.file_path} and {{job.id}} as text')
    }
    // weir's own template text is still resolved for the API: the spec path under workspace_path.
    const command = json.tasks[0]!.spark_python_task.parameters
    expect(command).toContain('/Workspace/Shared/values/values.yaml')
    expect(command.join(' ')).not.toContain('${workspace.file_path}')
    expect(json.tasks[0]!.spark_python_task.python_file).toBe('/Workspace/Shared/values/weir_launcher.py')
    expect(bundle.tasks[0]!.spark_python_task.parameters).toContain('${workspace.file_path}/values.yaml')
  })

  test('Argo: workflow parameters and the description annotation are verbatim, in the template and the cron workflow', () => {
    const files = argoTarget.generate(pipeline, pipeline.targets.argo as never)
    type Doc = { metadata: { annotations: Record<string, string> }; spec: { arguments?: { parameters: { name: string; value?: string }[] }; workflowSpec?: Doc['spec'] } }
    const [template, cron] = files.map((f) => parse(f.contents) as Doc)
    const values = (spec: Doc['spec']) => Object.fromEntries(spec.arguments!.parameters.map((p) => [p.name, p.value]))
    expect(values(template!.spec)).toEqual({ ...WRITTEN, plain: 'no placeholders' })
    expect(values(cron!.spec.workflowSpec!)).toEqual({ ...WRITTEN, plain: '{{workflow.uid}}' })
    expect(template!.metadata.annotations['weir.dev/description']).toBe('Reads ${workspace.file_path} and {{job.id}} as text')
  })
})

describe('validate --target says where an engine would still substitute a value', () => {
  const check = async (target: TargetPlugin<never>, name: string) =>
    (await checkTargets(pipeline, [target], name)).filter((d) => d.pointer.includes('params/')).map((d) => `${d.severity} ${d.pointer} ${d.line}:${d.column}`)

  test("Argo: '{{', '$(' and '$$' in a parameter value are errors (Argo and Kubernetes substitute them, with no escape)", async () => {
    expect(await check(argoTarget as TargetPlugin<never>, 'argo')).toEqual(['error /params/tricky/default 6:36', 'error /params/object/default 7:36', 'error /schedule/params/plain 14:20'])
  })

  test("Databricks: '{{' and bundle '${…}' references are warnings (the API JSON keeps them; the engine or the bundle may not)", async () => {
    expect(await check(databricksTarget as TargetPlugin<never>, 'databricks')).toEqual(['warning /params/tricky/default 6:36', 'warning /params/object/default 7:36', 'warning /schedule/params/plain 14:20'])
  })

  test('the messages name the param and what would happen, and never echo the value', () => {
    const messages = [...argoTarget.check!(pipeline, pipeline.targets.argo as never), ...databricksTarget.check!(pipeline, pipeline.targets.databricks as never)]
      .filter((f) => f.pointer.includes('params/'))
      .map((f) => f.message)
    expect(messages.join('\n')).not.toContain('whoami')
    expect(messages[0]).toMatch(/^The default of param 'tricky' contains '\{\{', '\$\(' and '\$\$'/)
    expect(messages.at(-1)).toMatch(/^The schedule's value of param 'plain' contains '\{\{'/)
  })
})

describe('strings that YAML 1.1 (kubectl, Argo) or go-yaml (the Databricks CLI) read as another type are quoted', () => {
  /** Each is a boolean, null, number, timestamp or merge key to some engine's YAML parser when written plain. */
  const MISREAD = ['yes', 'on', 'off', 'y', 'No', 'NO', '1_000', '0b101', '+12_3', '2001-12-14', '2001-1-2', '2001-12-14 21:59:43.10', '<<', '=', '.inf', '-.Inf', '.NaN', '1:20', '190:20:30.15', '012', '0o17', '0X1F', '~', 'null', '1_0.5', '1e3']
  let quoted: Pipeline
  beforeAll(async () => {
    const path = join(dir, 'quoted.yaml')
    const params = MISREAD.map((v, i) => `  p${i}: { type: string, default: ${JSON.stringify(v)} }`)
    await writeFile(path, ['apiVersion: weir/v1', 'kind: Pipeline', 'name: quoted', 'params:', ...params, '  "on": { type: string }', 'tasks:', '  "y":', '    handler: ./h.ts#ok', 'schedule: { cron: "0 3 * * *" }', 'targets:', '  argo: { image: x }', '  databricks: {}', ''].join('\n'))
    const result = await validateSpecFile(path, { plugins: builtinCatalog() })
    if (!result.pipeline) throw new Error(result.diagnostics.map((d) => d.message).join('\n'))
    quoted = result.pipeline
  })
  const expected = { ...Object.fromEntries(MISREAD.map((v, i) => [`p${i}`, v])) }

  test.each([databricksTarget, argoTarget] as TargetPlugin<never>[])('$type: every YAML file reads the same under YAML 1.1 and 1.2, with the values as written', (target) => {
    const files = target.generate(quoted, quoted.targets[target.type] as never).filter((f) => /\.ya?ml$/.test(f.path))
    expect(files.length).toBeGreaterThan(1)
    for (const file of files) {
      const as11 = parse(file.contents, { version: '1.1', merge: true }) as unknown
      expect(as11, file.path).toEqual(parse(file.contents, { version: '1.2' }))
      // go-yaml reads this as a number too (strconv takes base prefixes in capitals); neither YAML schema does.
      if (file.path !== 'databricks.yml') expect(file.contents, file.path).toContain('"0X1F"')
    }
    type Param = { name: string; default?: string; value?: string }
    type Main = { spec: { arguments: { parameters: Param[] } }; resources: { jobs: Record<string, { parameters: Param[] }> } }
    const main = parse(files.find((f) => f.path !== 'databricks.yml')!.contents, { version: '1.1' }) as Main
    const params = target.type === 'argo' ? main.spec.arguments.parameters : main.resources.jobs.quoted!.parameters
    expect(Object.fromEntries(params.filter((p) => p.name !== 'on').map((p) => [p.name, p.default ?? p.value]))).toEqual(expected)
    expect(params.map((p) => p.name)).toContain('on')
  })
})
