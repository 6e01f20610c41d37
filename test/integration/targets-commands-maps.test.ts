/**
 * The commands of generated definitions for mapped tasks (issue 11), run end to end on this machine,
 * as test/integration/targets-commands.test.ts does for ordinary ones: generate the Databricks job
 * and the Argo WorkflowTemplate of test/fixtures/targets/mapped_targets.yaml (storage on the local
 * disk), walk them with each engine's documented semantics (engine-semantics.ts: `for_each_task`
 * over the list step's task value, `withParam` over its output parameter), and run every command
 * the engine would start exactly as written there: the Databricks list notebook with python3 and a
 * stand-in `dbutils`, the nested tasks through the generated launcher, the Argo containers as their
 * command lines. Both engines must end every task the same way, and the fan-in task must receive
 * the item outputs in item order (a failed item as null).
 */
import { afterAll, beforeAll, expect, test } from 'vitest'
import { spawnSync } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { parse } from 'yaml'
import { loadPipeline } from '../unit/targets/support.ts'
import { argoDagPhase, simulateArgo, simulateDatabricks } from '../unit/targets/engine-semantics.ts'
import type { ArgoDagTask, DatabricksTask } from '../unit/targets/engine-semantics.ts'
import { databricksTarget } from '../../src/plugins/targets/databricks/index.ts'
import { argoTarget } from '../../src/plugins/targets/argo/index.ts'
import { VERDICT_TASK } from '../../src/plugins/targets/argo/workflow.ts'
import { LAUNCHER_FILE } from '../../src/plugins/targets/databricks/launcher.ts'
import { ITEMS_NOTEBOOK_FILE } from '../../src/plugins/targets/databricks/items-notebook.ts'
import type { Pipeline } from '../../src/spec/model.ts'
import { describeIfAvailable, pythonMissing } from '../support/services.ts'
import { NOTEBOOK_HARNESS } from '../support/notebook-harness.ts'

const REPO = resolve('.')
const CLI = join(REPO, 'bin', 'weir.js')
const SPEC = resolve('test/fixtures/targets/mapped_targets.yaml')

let dir: string
let pipeline: Pipeline
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'weir-target-maps-'))
  pipeline = await loadPipeline(SPEC)
})
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true })
})

/** Runs one command line (an argv array, no shell); true when it failed. */
function runCommand(argv: readonly string[], cwd: string, env: Record<string, string> = {}): boolean {
  const r = spawnSync(argv[0]!, argv.slice(1), { cwd, encoding: 'utf8', env: { ...process.env, WEIR_NODE: process.execPath, WEIR_STATE_DIR: join(cwd, '.weir'), NO_COLOR: '1', ...env }, timeout: 60_000 })
  return r.status !== 0
}

type Outcome = 'succeeded' | 'failed' | 'did not run'

/** What the documented semantics say (docs/fan-out.md): with `bad=20`, per_day's item 1 fails. */
const EXPECTED: Record<string, Outcome> = { make: 'succeeded', per_row: 'succeeded', per_day: 'failed', along: 'succeeded', combine: 'succeeded', alert: 'did not run' }
/** combine (all_done) gets per_row's item outputs, per_day's and its values, the failed item as null. */
const COMBINE_OUTPUT = { rows: [2, 4], days: [20, null, 60], seen: [10, null, 30] }

async function combineOutput(store: string, runId: string): Promise<unknown> {
  return JSON.parse(await readFile(join(store, pipeline.name, runId, 'combine', 'output.json'), 'utf8')) as unknown
}

type DbxTask = DatabricksTask & {
  spark_python_task?: { python_file: string; parameters: string[] }
  notebook_task?: { notebook_path: string; base_parameters: Record<string, string> }
  for_each_task?: { inputs: string; concurrency: number; task: { task_key: string; spark_python_task: { python_file: string; parameters: string[] } } }
}

describeIfAvailable(pythonMissing())('mapped tasks on the engines, their generated commands run locally', () => {
  test('Databricks: the list notebook sets the index list, for_each_task runs the nested command per index, fan-in reads the items', async () => {
    const work = await mkdtemp(join(dir, 'databricks-'))
    const store = join(work, 'store')
    const runId = 'dbx-maps'
    const files = databricksTarget.generate(pipeline, { storage: pathToFileURL(store).href, project_path: REPO, cli: CLI, workspace_path: work } as never)
    await writeFile(join(work, LAUNCHER_FILE), files.find((f) => f.path === LAUNCHER_FILE)!.contents)
    await writeFile(join(work, `${ITEMS_NOTEBOOK_FILE}`), files.find((f) => f.path === ITEMS_NOTEBOOK_FILE)!.contents)
    await writeFile(join(work, 'harness.py'), NOTEBOOK_HARNESS)
    const job = JSON.parse(files.find((f) => f.path.endsWith('.json'))!.contents) as { parameters: { name: string; default: string }[]; tasks: DbxTask[] }
    const parameters: Record<string, string> = { ...Object.fromEntries(job.parameters.map((p) => [p.name, p.default])), bad: '20' }
    const local = (text: string) => text.replaceAll('{{job.run_id}}', runId).replace(/\{\{job\.parameters\.(\w+)\}\}/g, (_m, name: string) => parameters[name] ?? '')
    const taskValues = new Map<string, unknown>()
    const states = simulateDatabricks(
      job.tasks,
      (task) => {
        if (task.notebook_task) {
          // The API JSON names the notebook without its extension, as workspace notebooks are.
          const params = Object.fromEntries(Object.entries(task.notebook_task.base_parameters).map(([k, v]) => [k, local(v)]))
          const r = spawnSync('python3', [join(work, 'harness.py'), `${task.notebook_task.notebook_path}.py`, JSON.stringify(params)], { cwd: work, encoding: 'utf8', env: { ...process.env, WEIR_NODE: process.execPath, WEIR_STATE_DIR: join(work, '.weir'), NO_COLOR: '1' }, timeout: 60_000 })
          const result = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { ok: boolean; values?: Record<string, unknown> }
          for (const [key, value] of Object.entries(result.values ?? {})) taskValues.set(`{{tasks.${task.task_key}.values.${key}}}`, value)
          return !result.ok
        }
        return runCommand(['python3', task.spark_python_task!.python_file, ...task.spark_python_task!.parameters.map(local)], work)
      },
      {
        inputs: (task) => taskValues.get(task.for_each_task!.inputs) as unknown[],
        iterationFails: (task, input) => {
          const nested = task.for_each_task!.task.spark_python_task
          return runCommand(['python3', nested.python_file, ...nested.parameters.map((p) => local(p).replaceAll('{{input}}', String(input)))], work)
        },
      },
    )
    const outcome = (s: string | undefined): Outcome => (s === 'SUCCESS' ? 'succeeded' : s === 'FAILED' ? 'failed' : 'did not run')
    const statuses = Object.fromEntries([...states].filter(([key]) => !key.endsWith('_ITEMS')).map(([key, s]) => [key, outcome(s)]))
    expect(statuses).toEqual(EXPECTED)
    expect(taskValues.get('{{tasks.per_day_ITEMS.values.indexes}}')).toEqual([0, 1, 2])
    expect(await combineOutput(store, runId)).toEqual(COMBINE_OUTPUT)
  })

  test('Argo: the list container writes the indexes output parameter, withParam runs the item container per index, fan-in reads the items', async () => {
    const work = await mkdtemp(join(dir, 'argo-'))
    const store = join(work, 'store')
    const runId = 'argo-maps'
    type Template = { name: string; dag?: { tasks: (ArgoDagTask & { template: string; withParam?: string; arguments?: { parameters: { name: string; value: string }[] } })[] }; container?: { command: string[]; env?: { name: string; value: string }[] }; outputs?: { parameters: { name: string; valueFrom: { path: string; default: string } }[] } }
    const wf = parse(argoTarget.generate(pipeline, { image: 'x', storage: pathToFileURL(store).href, projectPath: REPO, cli: [process.execPath, CLI] } as never)[0]!.contents) as {
      spec: { arguments: { parameters: { name: string; value?: string }[] }; templates: Template[] }
    }
    const parameters: Record<string, string> = { ...Object.fromEntries(wf.spec.arguments.parameters.map((p) => [p.name, p.value ?? ''])), bad: '20' }
    const templates = new Map(wf.spec.templates.map((t) => [t.name, t]))
    const dag = templates.get('main')!.dag!.tasks
    const argOf = (task: { arguments?: { parameters: { name: string; value: string }[] } }, name: string) => task.arguments?.parameters.find((p) => p.name === name)?.value
    const outputs = new Map<string, string>()
    /** Runs a container template with its input parameters; a list step's output parameter is read from the file it names. */
    const runContainer = (template: Template, inputs: Record<string, string>, outputKey?: string): boolean => {
      const valueDir = join(work, 'values', outputKey ?? 'none')
      const local = (text: string) =>
        text
          .replaceAll('{{workflow.uid}}', runId)
          .replace(/\{\{inputs\.parameters\.(\w+)\}\}/g, (_m, name: string) => inputs[name]!)
          .replace(/\{\{workflow\.parameters\.(\w+)\}\}/g, (_m, name: string) => parameters[name] ?? '')
      // The pod's value folder (an absolute path in the image) is a folder of this test here.
      const env = Object.fromEntries((template.container!.env ?? []).map((e) => [e.name, e.value.replace('/tmp/weir-values', valueDir)]))
      const failed = runCommand(template.container!.command.map(local), work, env)
      for (const output of template.outputs?.parameters ?? []) {
        let value = output.valueFrom.default
        try {
          value = spawnSync('cat', [output.valueFrom.path.replace('/tmp/weir-values', valueDir)], { encoding: 'utf8' }).stdout || value
        } catch {}
        outputs.set(`{{tasks.${outputKey}.outputs.parameters.${output.name}}}`, value)
      }
      return failed
    }
    // The verdict is a suspend of zero seconds: no container.
    const phases = simulateArgo(dag, (task) => task.name !== VERDICT_TASK && runContainer(templates.get(task.template)!, { task: argOf(task, 'task')! }, task.name), {
      mapOf: (task) => {
        const map = templates.get(task.template)!
        if (!map.dag) return undefined
        const inner = map.dag.tasks[0]!
        const list = outputs.get(argOf(task, 'indexes')!)!
        return { list, childFails: (item) => runContainer(templates.get(inner.template)!, { task: argOf(task, 'task')!, index: String(item) }) }
      },
    })
    const weirId = new Map(dag.map((t) => [t.name, argOf(t, 'task')!]))
    const outcome = (p: string | undefined): Outcome => (p === 'Succeeded' ? 'succeeded' : p === 'Failed' || p === 'Errored' ? 'failed' : 'did not run')
    const statuses = Object.fromEntries(dag.filter((t) => !t.name.endsWith('--items') && t.name !== VERDICT_TASK).map((t) => [weirId.get(t.name)!, outcome(phases.get(t.name))]))
    expect(statuses).toEqual(EXPECTED)
    // An item failed, so the weir run fails; so does the workflow, although combine (all_done) succeeded.
    expect(argoDagPhase(dag, phases)).toBe('Failed')
    expect(outputs.get('{{tasks.per-day--items.outputs.parameters.indexes}}')).toBe('[0,1,2]')
    expect(await combineOutput(store, runId)).toEqual(COMBINE_OUTPUT)
  })
})
