/**
 * Engine names (#15): Argo DAG task names and Databricks task_keys are distinct for distinct task
 * ids, and `spec validate --target` refuses any name an engine would refuse or share (defence in
 * depth: a mapping that one day stops being injective is caught before an engine sees it).
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parse } from 'yaml'
import { validateSpecFile } from '../../../src/spec/validate.ts'
import { builtinCatalog } from '../../../src/plugins/catalog.ts'
import type { Pipeline, Task } from '../../../src/spec/model.ts'
import type { TargetPlugin } from '../../../src/plugins/types.ts'
import { checkTargets } from '../../../src/plugins/targets/check-targets.ts'
import { checkEngineNames } from '../../../src/plugins/targets/name-collisions.ts'
import { argoTarget } from '../../../src/plugins/targets/argo/index.ts'
import { databricksTarget } from '../../../src/plugins/targets/databricks/index.ts'

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'weir-engine-names-'))
  await writeFile(join(dir, 'package.json'), '{"type":"module"}')
  await writeFile(join(dir, 'h.ts'), 'export const ok = () => 1\n')
})
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true })
})

/** A spec file with these task ids (each after the one before), valid for both targets. */
async function pipelineWith(ids: readonly string[], name = 'names', tail = ''): Promise<Pipeline> {
  const tasks = ids.map((id, i) => `  ${id}:\n    handler: ./h.ts#ok\n${i > 0 ? `    needs: [${ids[i - 1]}]\n` : ''}`).join('')
  const path = join(dir, `${name}-${ids.length}.yaml`)
  await writeFile(path, `apiVersion: weir/v1\nkind: Pipeline\nname: ${name}\ntasks:\n${tasks}targets:\n  argo: { image: x }\n  databricks: {}\n${tail}`)
  const result = await validateSpecFile(path, { plugins: builtinCatalog() })
  if (!result.pipeline) throw new Error(result.diagnostics.map((d) => d.message).join('\n'))
  return result.pipeline
}

/** The same pipeline with task ids no spec can hold (a Pipeline built by a program). */
function withIds(pipeline: Pipeline, ids: readonly string[]): Pipeline {
  const template = [...pipeline.tasks.values()][0]!
  const tasks = new Map<string, Task>(ids.map((id) => [id, { ...template, id, pointer: `/tasks/${id}`, upstream: [], edges: [] }]))
  return { ...pipeline, order: ids, tasks }
}

const ISSUE_IDS = ['a', 'a_', 'a_571fb0e3', 'a__', 'a__1', 'in', 'not_', 'x'.repeat(62) + '_']

describe('engine names of task ids that collided before (#15)', () => {
  test('Argo: every DAG task and template gets its own name, and validate --target argo reports nothing', async () => {
    const pipeline = await pipelineWith(ISSUE_IDS)
    expect(argoTarget.check!(pipeline, { image: 'x' })).toEqual([])
    const [file] = argoTarget.generate(pipeline, { image: 'x' })
    const spec = (parse(file!.contents) as { spec: { templates: { name: string; dag?: { tasks: { name: string; depends?: string }[] } }[] } }).spec
    const dagTasks = spec.templates[0]!.dag!.tasks
    expect(new Set(dagTasks.map((t) => t.name)).size).toBe(ISSUE_IDS.length)
    expect(new Set(spec.templates.map((t) => t.name)).size).toBe(spec.templates.length)
    expect(dagTasks.find((t) => t.name === 'in--0')?.depends).toBe('a--1--0.Succeeded')
  })

  test('Databricks: task_keys are the ids themselves, and validate --target databricks reports nothing', async () => {
    const pipeline = await pipelineWith(ISSUE_IDS)
    expect(databricksTarget.check!(pipeline, {})).toEqual([])
    const json = databricksTarget.generate(pipeline, {}).find((f) => f.path.endsWith('.json'))!
    const keys = (JSON.parse(json.contents) as { tasks: { task_key: string }[] }).tasks.map((t) => t.task_key)
    expect(keys).toEqual(ISSUE_IDS)
  })
})

describe('validate refuses a shared or refused engine name (defence in depth)', () => {
  test('two tasks with one name: an error at the later task, naming both', async () => {
    const pipeline = await pipelineWith(['first', 'second', 'third'])
    const findings = checkEngineNames(pipeline, { what: 'Argo DAG task name', nameOf: (id) => (id === 'first' ? 'a' : 'same') })
    expect(findings).toEqual([
      { severity: 'error', code: 'TARGET_UNSUPPORTED', pointer: '/tasks/third', message: "Tasks 'second' and 'third' both become Argo DAG task name 'same'; rename one of them." },
    ])
  })

  test('the error has a line and column in the spec', async () => {
    const pipeline = await pipelineWith(['first', 'second'], 'positions')
    const colliding = { ...argoTarget, check: (p: Pipeline) => checkEngineNames(p, { what: 'Argo DAG task name', nameOf: () => 'same' }) } as TargetPlugin<never>
    const [diagnostic] = await checkTargets(pipeline, [colliding], 'argo')
    expect(diagnostic).toMatchObject({ severity: 'error', code: 'TARGET_UNSUPPORTED', pointer: '/tasks/second', line: 8, column: 5 })
  })

  test('Databricks refuses a task_key that is not [A-Za-z0-9_-] or longer than 100', async () => {
    const pipeline = withIds(await pipelineWith(['a']), ['ok', 'has space', 'k'.repeat(101)])
    expect(databricksTarget.check!(pipeline, {}).map((f) => `${f.severity} ${f.pointer} ${f.message}`)).toEqual([
      "error /tasks/has space Task 'has space' becomes Databricks task_key 'has space', which Databricks refuses (a task_key takes letters, digits, '_' and '-'); rename the task.",
      `error /tasks/${'k'.repeat(101)} Task '${'k'.repeat(101)}' becomes Databricks task_key '${'k'.repeat(101)}', which is 101 characters long (a task_key takes at most 100); rename the task.`,
    ])
  })

  test('Argo: ids outside the spec grammar get hashed names, still distinct and valid', async () => {
    const pipeline = withIds(await pipelineWith(['a']), ['A', 'a', 'a-b', 'a_b', 'k'.repeat(200)])
    expect(argoTarget.check!(pipeline, { image: 'x' })).toEqual([])
  })

  test('Argo: a pipeline name whose object name would pass 63 characters is an error at /name', async () => {
    const name = `a__${'b'.repeat(60)}`
    const pipeline = await pipelineWith(['t'], name)
    const diagnostics = await checkTargets(pipeline, [argoTarget as TargetPlugin<never>], 'argo')
    expect(diagnostics).toMatchObject([{ severity: 'error', pointer: '/name', line: 3, column: 7, message: expect.stringContaining('66 characters long') }])
  })

  test('Argo: a scheduled pipeline whose CronWorkflow name would pass 52 characters is an error at /name', async () => {
    const schedule = 'schedule:\n  cron: "0 3 * * *"\n'
    const long = await pipelineWith(['t'], `a_${'b'.repeat(51)}`, schedule)
    expect(await checkTargets(long, [argoTarget as TargetPlugin<never>], 'argo')).toMatchObject([
      { severity: 'error', code: 'TARGET_UNSUPPORTED', pointer: '/name', line: 3, column: 7, message: expect.stringMatching(/CronWorkflow.*53 characters long.*at most 52.*shorten the pipeline name to 52 characters or fewer/) },
    ])
    // Without a schedule there is no CronWorkflow, and a WorkflowTemplate may have 63.
    expect(argoTarget.check!(await pipelineWith(['t'], `a_${'b'.repeat(51)}`), { image: 'x' })).toEqual([])
    expect(argoTarget.check!(await pipelineWith(['t'], `a_${'b'.repeat(50)}`, schedule), { image: 'x' })).toEqual([])
  })
})
