/** Capability checks: what Databricks or Argo cannot express is an error (meaning would change) or a warning (it degrades). */
import { describe, expect, test } from 'vitest'
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { pipelineFromYaml, specText, tempDir } from '../runtime/helpers.ts'
import { validateSpec } from '../../../src/spec/validate.ts'
import { builtinCatalog } from '../../../src/plugins/catalog.ts'
import type { Pipeline } from '../../../src/spec/model.ts'
import { argoTarget } from '../../../src/plugins/targets/argo/index.ts'
import { databricksTarget } from '../../../src/plugins/targets/databricks/index.ts'
import { TargetError } from '../../../src/plugins/targets/target-error.ts'
import { parseLocation } from '../../../src/cli/execute-args.ts'

const schedule = (cron: string, extra = '') => `schedule:\n  cron: "${cron}"\n${extra}`
const summary = (findings: readonly { severity: string; pointer: string }[]) => findings.map((f) => `${f.severity} ${f.pointer}`)

describe('Databricks', () => {
  test('a cron Quartz cannot express is an error at /schedule/cron, and generate refuses it', async () => {
    const p = await pipelineFromYaml(specText('p', { a: '' }, schedule('0 0 1 * 1')))
    expect(summary(databricksTarget.check!(p, {}))).toEqual(['error /schedule/cron'])
    expect(() => databricksTarget.generate(p, {})).toThrow(TargetError)
  })

  test('a seconds field is an error', async () => {
    const p = await pipelineFromYaml(specText('p', { a: '' }, schedule('0 0 3 * * *')))
    expect(databricksTarget.check!(p, {})[0]).toMatchObject({ severity: 'error', pointer: '/schedule/cron', message: expect.stringContaining('seconds') })
  })

  test('exponential backoff and jitter degrade to a fixed interval: one warning naming every task', async () => {
    const p = await pipelineFromYaml(specText('p', { a: 'retries: 3', b: 'retries: { max: 1, jitter: none }' }))
    const findings = databricksTarget.check!(p, {})
    expect(findings).toEqual([expect.objectContaining({ severity: 'warning', pointer: '/tasks/a/retries', message: expect.stringContaining("Task 'a' uses exponential backoff and jitter") })])
  })

  test('a policy inherited from defaults.retries is one warning at defaults.retries, saying what to write there; a task of its own retries is told apart', async () => {
    const p = await pipelineFromYaml(specText('p', { a: '', b: '', c: 'retries: { max: 1, jitter: full }' }, 'defaults:\n  retries: 2\n'))
    expect(databricksTarget.check!(p, {})).toEqual([
      expect.objectContaining({
        severity: 'warning', pointer: '/defaults/retries',
        message: "defaults.retries gives tasks 'a' and 'b' exponential backoff and jitter, which Databricks cannot express: it retries after a fixed min_retry_interval_millis (the first retry delay); set 'backoff: fixed, jitter: none' in defaults.retries (retries: { max: 2, backoff: fixed, jitter: none }) to ask only for what Databricks does, which also silences this.",
      }),
      expect.objectContaining({ severity: 'warning', pointer: '/tasks/c/retries', message: expect.stringMatching(/^Task 'c' uses jitter, .*; set 'jitter: none' in its retries \(retries: \{ max: 1, jitter: none \}\)/) }),
    ])
    const all = await pipelineFromYaml(specText('p', { a: '', b: '' }, 'defaults:\n  retries: 2\n'))
    expect(argoTarget.check!(all, { image: 'x' })).toEqual([
      expect.objectContaining({ pointer: '/defaults/retries', message: expect.stringContaining("defaults.retries gives every task jitter (Argo waits exactly the backoff delay), which Argo's retryStrategy cannot express; set 'jitter: none' in defaults.retries") }),
    ])
    // What the message says to write silences it.
    const quiet = await pipelineFromYaml(specText('p', { a: '', b: '' }, 'defaults:\n  retries: { max: 2, backoff: fixed, jitter: none }\n'))
    expect(databricksTarget.check!(quiet, {})).toEqual([])
    expect(argoTarget.check!(quiet, { image: 'x' })).toEqual([])
  })

  test('schedule params become the defaults of manual runs too (warning)', async () => {
    const p = await pipelineFromYaml(specText('p', { a: 'inputs: { d: "${{ params.d }}" }' }, `params:\n  d: { type: string, default: x }\n${schedule('0 3 * * *', '  params: { d: y }\n')}`))
    expect(summary(databricksTarget.check!(p, {}))).toEqual(['warning /schedule/params'])
  })
})

describe('Argo', () => {
  test('more than 200 tasks is an error', async () => {
    const tasks = Object.fromEntries(Array.from({ length: 201 }, (_, i) => [`t${i}`, '']))
    const p = await pipelineFromYaml(specText('p', tasks))
    expect(summary(argoTarget.check!(p, { image: 'x' }))).toEqual(['error /tasks'])
  })

  test('200 tasks fit; with a failure handler the verdict task makes 201 DAG tasks, an error that says so', async () => {
    const tasks: Record<string, string> = Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`t${i}`, '']))
    expect(argoTarget.check!(await pipelineFromYaml(specText('p', tasks)), { image: 'x' })).toEqual([])
    tasks.t199 = 'needs: [t0]\ntrigger: one_failed'
    const findings = argoTarget.check!(await pipelineFromYaml(specText('p', tasks)), { image: 'x' })
    expect(findings).toEqual([expect.objectContaining({ severity: 'error', pointer: '/tasks', message: expect.stringContaining("(201 in the DAG: 'weir--verdict' fails the workflow when a task failed)") })])
  })

  test("a seconds field and Quartz-only 'L'/'#' are errors; queue and catchup all are warnings", async () => {
    const sixFields = await pipelineFromYaml(specText('p', { a: '' }, schedule('0 0 3 * * *')))
    expect(summary(argoTarget.check!(sixFields, { image: 'x' }))).toEqual(['error /schedule/cron'])
    const lastFriday = await pipelineFromYaml(specText('p', { a: '' }, schedule('0 3 * * 5L', '  overlap: queue\n  catchup: all\n')))
    expect(summary(argoTarget.check!(lastFriday, { image: 'x' }))).toEqual(['error /schedule/cron', 'warning /schedule/overlap', 'warning /schedule/catchup'])
  })

  test('jitter is a warning', async () => {
    const p = await pipelineFromYaml(specText('p', { a: 'retries: 2' }))
    expect(argoTarget.check!(p, { image: 'x' })).toEqual([expect.objectContaining({ severity: 'warning', message: expect.stringContaining('jitter') })])
  })
})

describe('outputs must be reachable from every task', () => {
  const spec = (io: string) => specText('p', { a: `io: ${io}`, b: 'inputs: { x: "${{ tasks.a.output }}" }' }, `io:\n  mem: { type: memory }\n  disk: { type: fs }\n`)

  test('memory outputs cannot cross processes (error); fs outputs need a shared volume (warning)', async () => {
    expect(summary(argoTarget.check!(await pipelineFromYaml(spec('mem')), { image: 'x' }))).toEqual(['error /tasks/a/io'])
    expect(summary(databricksTarget.check!(await pipelineFromYaml(spec('disk')), {}))).toEqual(['warning /tasks/a/io'])
  })

  test('a storage URI on the target moves outputs there, so neither is reported', async () => {
    expect(argoTarget.check!(await pipelineFromYaml(spec('mem')), { image: 'x', storage: 'gs://b/w' })).toEqual([])
  })
})

describe("a storage that weir execute would refuse as every task's --output-prefix", () => {
  const spec = specText('p', { a: '' })
  const quoted = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

  test.each([
    ['gs://b/../x', "has an empty, '.' or '..' segment", 'write gs://BUCKET/a/b'],
    ['gs://b//x', "has an empty, '.' or '..' segment", 'write gs://BUCKET/a/b'],
    ['gs://b/./x', "has an empty, '.' or '..' segment", 'write gs://BUCKET/a/b'],
    ['gs:///x', 'names no bucket', 'write gs://BUCKET/path'],
    ['s3://b/x', 'must be a gs:// or file:// URI', 'write gs://BUCKET/path'],
    ['file://host/x', 'is not a valid file:// URI', 'write file:///absolute/path'],
  ])('%s is an error at targets.<name>.storage on both engines, saying what to write', async (storage, problem, fix) => {
    // What weir execute says of the --output-prefix made of it (remote-command.ts): the same check.
    expect(() => parseLocation('output-prefix', `${storage.replace(/\/+$/, '')}/p/r1/a`, '/')).toThrow(/^execute: --output-prefix /)
    const p = await pipelineFromYaml(spec)
    for (const [name, engine, findings] of [['argo', 'Argo', argoTarget.check!(p, { image: 'x', storage })], ['databricks', 'Databricks', databricksTarget.check!(p, { storage })]] as const)
      expect(findings).toEqual([{
        severity: 'error', code: 'TARGET_UNSUPPORTED', pointer: `/targets/${name}/storage`,
        message: expect.stringMatching(new RegExp(`^targets\\.${name}\\.storage '${quoted(storage)}' ${quoted(problem)}.*, so every task on ${engine} would stop with a usage error \\(weir execute refuses such an --output-prefix\\); ${quoted(fix)}\\.$`)),
      }])
  })

  test('what weir execute takes is not reported: a bucket alone, trailing slashes, a file:// URI, a segment with other characters', async () => {
    const p = await pipelineFromYaml(spec)
    for (const storage of ['gs://b', 'gs://b/', 'gs://b/weir/', 'gs://b/x?y=1', 'file:///mnt/shared/weir']) {
      expect(parseLocation('output-prefix', `${storage.replace(/\/+$/, '')}/p/r1/a`, '/')).toBeDefined()
      expect([...argoTarget.check!(p, { image: 'x', storage }), ...databricksTarget.check!(p, { storage })]).toEqual([])
    }
  })
})

describe('a handler written as an absolute path resolves here, but not where the engine has the project', () => {
  type Handler = (root: string) => string
  /** A project with package.json, handlers/ok.js and the spec at pipelines/x.yaml, whose tasks name these handlers; validated as `weir spec validate` does. */
  async function project(handlers: Record<string, Handler>): Promise<{ root: string; validate: () => Promise<{ pipeline?: Pipeline; diagnostics: readonly unknown[] }> }> {
    const root = await tempDir('weir-absolute-handler-')
    await writeFile(join(root, 'package.json'), '{}')
    await mkdir(join(root, 'handlers'))
    await mkdir(join(root, 'pipelines'))
    await writeFile(join(root, 'handlers/ok.js'), 'export async function ok() { return 1 }\nexport default async function main() { return 2 }\n')
    const tasks = Object.entries(handlers).map(([id, handler]) => `  ${id}:\n    handler: ${handler(root)}\n`).join('')
    const text = `apiVersion: weir/v1\nkind: Pipeline\nname: p\ntasks:\n${tasks}`
    return { root, validate: () => validateSpec(text, { path: join(root, 'pipelines/x.yaml'), plugins: builtinCatalog() }) }
  }

  test('is an error at the handler on both engines, naming where the project is there and what to write instead; validating without a target reports nothing', async () => {
    const handlers: Record<string, Handler> = { a: (root) => `${root}/handlers/ok.js#ok`, b: (root) => `${root}/handlers/ok.js`, c: () => '../handlers/ok.js#ok' }
    const { root, validate } = await project(handlers)
    const { pipeline, diagnostics } = await validate()
    expect(diagnostics).toEqual([]) // it works locally: spec validate and weir run take it
    expect(argoTarget.check!(pipeline!, { image: 'x' })).toEqual([
      { severity: 'error', code: 'TARGET_UNSUPPORTED', pointer: '/tasks/a/handler',
        message: `Handler '${root}/handlers/ok.js#ok' of task 'a' is an absolute path, which resolves on this machine but not on Argo, where the project is at '/app' (targets.argo.projectPath); write it relative to the spec file: '../handlers/ok.js#ok'.` },
      expect.objectContaining({ severity: 'error', pointer: '/tasks/b/handler', message: expect.stringMatching(/; write it relative to the spec file: '\.\.\/handlers\/ok\.js'\.$/) }),
    ])
    expect(databricksTarget.check!(pipeline!, {})).toEqual([
      expect.objectContaining({ severity: 'error', pointer: '/tasks/a/handler', message: expect.stringContaining("not on Databricks, where the project is at '${workspace.file_path}' (targets.databricks.project_path)") }),
      expect.objectContaining({ severity: 'error', pointer: '/tasks/b/handler' }),
    ])
  })

  test("is fine where the engine's project folder is this project's folder", async () => {
    const { root, validate } = await project({ a: (r: string) => `${r}/handlers/ok.js#ok` })
    const { pipeline } = await validate()
    expect(argoTarget.check!(pipeline!, { image: 'x', projectPath: `${root}/` })).toEqual([])
    expect(databricksTarget.check!(pipeline!, { project_path: root })).toEqual([])
  })
})

describe('daylight saving', () => {
  test.each([
    ['30 2 * * *', 'Europe/Berlin', ['02:xx']],
    ['0 3 * * *', 'Europe/Berlin', []],
    ['0 * * * *', 'America/New_York', ['01:xx', '02:xx']],
    ['0 2 * * *', 'UTC', []],
  ])("'%s' in %s warns about %j", async (cron, timezone, hours) => {
    const p = await pipelineFromYaml(specText('p', { a: '' }, schedule(cron, `  timezone: ${timezone}\n`)))
    for (const target of [argoTarget.check!(p, { image: 'x' }), databricksTarget.check!(p, {})]) {
      const dst = target.filter((f) => f.message.includes('daylight saving'))
      expect(dst.map((f) => f.message.match(/\d\d:xx/g))).toEqual(hours.length === 0 ? [] : [hours])
      for (const f of dst) expect(f).toMatchObject({ severity: 'warning', pointer: '/schedule/cron' })
    }
  })
})

describe("another engine's placeholders in a command template", () => {
  test('are an error on the engine that would not fill them in, with the argument as pointer', async () => {
    const command = 'command: ["{{cli}}", "execute", "--task", "{{inputs.parameters.task}}", "--run-id", "{{job.run_id}}", "--x", "{{tasks.a.values.v}}"]'
    const p = await pipelineFromYaml(specText('p', { a: '' }, `${command}\n`))
    expect(summary(databricksTarget.check!(p, {}))).toEqual(['error /command/3'])
    expect(summary(argoTarget.check!(p, { image: 'x' }))).toEqual(['error /command/5'])
    expect(argoTarget.check!(p, { image: 'x' })[0]!.message).toContain("uses '{{job.run_id}}', which Argo does not fill in")
  })

  test('in a target-level command, point at targets.<name>.command', async () => {
    const p = await pipelineFromYaml(specText('p', { a: '' }))
    expect(summary(argoTarget.check!(p, { image: 'x', command: ['{{cli}}', '{{job.run_id}}'] }))).toEqual(['error /targets/argo/command/1'])
  })
})

describe('mapped tasks (issue 11): generated, within the limits of each engine', () => {
  const mapped = (foreach: string) => specText('p', { a: 'output: { type: array }', m: `foreach: ${foreach}\ninputs: { x: "\${{ item }}" }` })

  test('a map within the limits raises nothing about it on either engine, and both generate it', async () => {
    const p = await pipelineFromYaml(mapped('{ items: "${{ tasks.a.output }}", concurrency: 100 }'))
    expect(databricksTarget.check!(p, {}).filter((f) => f.pointer.includes('foreach'))).toEqual([])
    expect(argoTarget.check!(p, { image: 'x' }).filter((f) => f.pointer.includes('foreach'))).toEqual([])
    expect(databricksTarget.generate(p, {}).map((f) => f.path)).toContain('weir_list_items.py')
    expect(argoTarget.generate(p, { image: 'x' })).toHaveLength(1)
  })

  test('Databricks: concurrency above 100 is an error at the concurrency; Argo has no such cap', async () => {
    const p = await pipelineFromYaml(mapped('{ items: "${{ tasks.a.output }}", concurrency: 101 }'))
    expect(databricksTarget.check!(p, {})).toContainEqual(expect.objectContaining({ severity: 'error', code: 'TARGET_UNSUPPORTED', pointer: '/tasks/m/foreach/concurrency', message: expect.stringContaining('at most 100 iterations') }))
    expect(argoTarget.check!(p, { image: 'x' }).filter((f) => f.pointer.includes('foreach'))).toEqual([])
  })

  test('Databricks: a literal list of more than 10,000 items is an error at the foreach (the index list would pass 48 KiB)', async () => {
    const items = (n: number) => `[${Array.from({ length: n }, (_, i) => i).join(', ')}]`
    const over = await pipelineFromYaml(mapped(items(10_001)))
    expect(databricksTarget.check!(over, {})).toContainEqual(expect.objectContaining({ severity: 'error', pointer: '/tasks/m/foreach', message: expect.stringContaining('10,001 items, but a map on Databricks has at most 10,000') }))
    const at = await pipelineFromYaml(mapped(items(10_000)))
    expect(databricksTarget.check!(at, {}).filter((f) => f.pointer.includes('foreach'))).toEqual([])
  })

  test('the index list of the largest map fits a Databricks task value', async () => {
    const { DATABRICKS_MAX_ITEMS, TASK_VALUE_MAX_BYTES } = await import('../../../src/plugins/targets/databricks/map-limits.ts')
    const indexes = `[${Array.from({ length: DATABRICKS_MAX_ITEMS }, (_, i) => i).join(',')}]`
    expect(Buffer.byteLength(indexes)).toBe(48_891)
    expect(Buffer.byteLength(indexes)).toBeLessThanOrEqual(TASK_VALUE_MAX_BYTES)
    expect(Buffer.byteLength(`[${Array.from({ length: 2 * DATABRICKS_MAX_ITEMS }, (_, i) => i).join(',')}]`)).toBeGreaterThan(TASK_VALUE_MAX_BYTES)
  })

  test("a list step counts against the engines' task limits", async () => {
    const tasks = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`t${i}`, '']))
    const maps = Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`m${i}`, 'foreach: [1]\ninputs: { x: "${{ item }}" }']))
    const p = await pipelineFromYaml(specText('p', { ...tasks, ...maps }))
    expect(argoTarget.check!(p, { image: 'x' })).toContainEqual(expect.objectContaining({ pointer: '/tasks', message: expect.stringContaining('(302 in the DAG: a mapped task adds its list step)') }))
  })
})

describe('secret params (writeOnly) would be written as plain text into a definition', () => {
  const params = `types:\n  Creds: { type: object, properties: { user: { type: string }, password: { type: string, writeOnly: true } } }\nparams:\n  token: { type: string, writeOnly: true, default: s3cr3t-default }\n  creds: { $ref: '#/types/Creds', default: { user: u, password: pw-default } }\n  region: { type: string, default: eu }\n`
  const tasks = { a: 'inputs: { t: "${{ params.token }}", c: "${{ params.creds }}", r: "${{ params.region }}" }' }

  test("a secret's default and the schedule's value of one are warnings on both engines, never quoting the value; other params are not", async () => {
    const p = await pipelineFromYaml(specText('p', tasks, `${params}${schedule('0 3 * * *', '  params: { token: s3cr3t-scheduled }\n')}`))
    for (const [target, config] of [[databricksTarget, {}], [argoTarget, { image: 'x' }]] as const) {
      const secrets = target.check!(p, config as never).filter((f) => f.message.includes('holds a secret'))
      expect(summary(secrets)).toEqual(['warning /params/token/default', 'warning /schedule/params/token', 'warning /params/creds/default'])
      for (const f of secrets) expect(f.message).not.toMatch(/s3cr3t|pw-default/)
    }
  })

  test('a secret without a default or a schedule value raises nothing', async () => {
    const p = await pipelineFromYaml(specText('p', { a: 'inputs: { t: "${{ params.token }}" }' }, 'params:\n  token: { type: string, writeOnly: true }\n'))
    expect(databricksTarget.check!(p, {}).filter((f) => f.message.includes('secret'))).toEqual([])
  })
})

describe('text a task command carries as written: the spec path and the target settings', () => {
  /** A pipeline whose spec is `<project>/<relative>`; the project is a folder with a package.json. */
  async function specAt(relative: string, head = ''): Promise<Pipeline> {
    const project = await tempDir('weir-command-text-')
    await writeFile(join(project, 'package.json'), '{}')
    await mkdir(join(project, 'p'), { recursive: true })
    const result = await validateSpec(specText('p', { a: '' }, head), { path: join(project, relative), checkHandlers: false, plugins: builtinCatalog() })
    return result.pipeline!
  }

  test("a spec path with '{{', '$(' or '$$' is an Argo error naming the path and saying to rename the file", async () => {
    const p = await specAt('p/x$(HOME){{workflow.name}}.yaml')
    expect(argoTarget.check!(p, { image: 'x' })).toEqual([
      {
        severity: 'error', code: 'TARGET_UNSUPPORTED', pointer: '',
        message: expect.stringMatching(/^The spec's path in the project, 'p\/x\$\(HOME\)\{\{workflow\.name\}\}\.yaml', contains '\{\{' and '\$\(', which Argo would change in every task's command \(.*\); rename the spec file \(or the folders it is in\)\.$/),
      },
    ])
    expect(summary(argoTarget.check!(await specAt('p/cost$$.yaml'), { image: 'x' }))).toEqual(['error '])
    expect(argoTarget.check!(await specAt('p/plain-$HOME_{x}.yaml'), { image: 'x' })).toEqual([])
  })

  test('Argo projectPath, storage and cli are checked where they are written', async () => {
    const p = await specAt('p/ok.yaml')
    const config = { image: 'x', projectPath: '/app/$(P)', storage: 'gs://b/{{workflow.name}}', cli: ['node', '/app/$$/weir.js'] }
    expect(summary(argoTarget.check!(p, config))).toEqual(['error /targets/argo/projectPath', 'error /targets/argo/storage', 'error /targets/argo/cli/1'])
  })

  test("Databricks warns of '{{' in the spec path or a setting, but not of the bundle reference project_path is meant to hold", async () => {
    const p = await specAt('p/x{{job.id}}.yaml')
    const findings = databricksTarget.check!(p, { project_path: '${workspace.file_path}/sub', cli: '/w/{{job.id}}/weir.js' })
    expect(summary(findings)).toEqual(['warning ', 'warning /targets/databricks/cli'])
    expect(findings[0]!.message).toContain("'p/x{{job.id}}.yaml', contains '{{', which Databricks would change")
    expect(databricksTarget.check!(await specAt('p/x${workspace.root_path}.yaml'), {})).toEqual([expect.objectContaining({ severity: 'warning', pointer: '', message: expect.stringContaining("a bundle reference '${…}'") })])
  })
})

test('a line break in the spec file name stays inside the generated header comment', async () => {
  const dir = await tempDir('weir-header-')
  const result = await validateSpec(specText('p', { a: '' }, 'targets:\n  argo: { image: x }\n  databricks: {}\n'), { path: join(dir, 'a\nb: 1.yaml'), checkHandlers: false, plugins: builtinCatalog() })
  const p = result.pipeline!
  let checked = 0
  for (const file of [...argoTarget.generate(p, { image: 'x' }), ...databricksTarget.generate(p, {})].filter((f) => f.path.endsWith('.yaml') || f.path.endsWith('.yml'))) {
    const [first, second] = file.contents.split('\n')
    if (!first!.startsWith('# Generated')) continue
    expect(first).toContain('from "a\\nb: 1.yaml"; do not edit')
    expect(second).not.toMatch(/^b: 1/)
    checked++
  }
  expect(checked).toBeGreaterThanOrEqual(2)
})
