/**
 * The commands inside generated definitions, run end to end on this machine: generate the Databricks
 * job and the Argo WorkflowTemplate of a fixture (with storage on the local disk), walk them with each
 * engine's documented semantics (test/unit/targets/engine-semantics.ts), and run every task the engine
 * would start exactly as written there, with local values for the engine placeholders: Databricks
 * tasks through the generated Python launcher, Argo tasks as the container command. The task
 * statuses and the outputs must equal those of a local in-process run of the same spec.
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
import type { Pipeline } from '../../src/spec/model.ts'
import type { ExecutorPlugin } from '../../src/plugins/types.ts'
import type { RunOptions } from '../../src/runtime/api.ts'
import { createSubprocessExecutor } from '../../src/plugins/executors/subprocess/index.ts'
import { describeIfAvailable, pythonMissing } from '../support/services.ts'

const REPO = resolve('.')
const CLI = join(REPO, 'bin', 'weir.js')
const SPEC = resolve('test/fixtures/targets/daily_sales.yaml')

let dir: string
let pipeline: Pipeline
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'weir-target-commands-'))
  pipeline = await loadPipeline(SPEC)
})
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true })
})

type Status = 'succeeded' | 'failed' | 'skipped'

/** Runs one command line (an argv array, no shell); true when it failed. */
function runCommand(argv: readonly string[], cwd: string): boolean {
  const r = spawnSync(argv[0]!, argv.slice(1), { cwd, encoding: 'utf8', env: { ...process.env, WEIR_NODE: process.execPath, WEIR_STATE_DIR: join(cwd, '.weir'), NO_COLOR: '1' }, timeout: 60_000 })
  return r.status !== 0
}

/** A local in-process run of the same spec and params: statuses and the publish output. */
async function localRun(params: Record<string, unknown>, stateDir: string, executor?: RunOptions['executor']): Promise<{ statuses: Record<string, Status>; publish: unknown }> {
  const { runPipeline } = await import('../../src/index.ts')
  const noRetries: Pipeline = { ...pipeline, tasks: new Map([...pipeline.tasks].map(([id, t]) => [id, { ...t, retry: { ...t.retry, maxRetries: 0 } }])) }
  const result = await runPipeline(noRetries, { params, stateDir, ...(executor && { executor }) })
  const statuses = Object.fromEntries(Object.entries(result.tasks).map(([id, t]) => [id, t.status as Status]))
  const publish = result.tasks.publish?.output ? JSON.parse(await readFile(new URL(result.tasks.publish.output), 'utf8')) : undefined
  return { statuses, publish }
}

async function publishOutput(store: string, runId: string): Promise<unknown> {
  return JSON.parse(await readFile(join(store, pipeline.name, runId, 'publish', 'output.json'), 'utf8')).valueOf()
}

// Each scenario: param values, as the engine would pass them (strings), and as the local run gets them.
const scenarios = [
  { name: 'every task succeeds (the failure alert is excluded)', fail: 'none' },
  { name: 'extract fails (downstream skipped, the alert runs)', fail: 'extract' },
]

describeIfAvailable(pythonMissing()).each(scenarios)('$name', ({ fail }) => {
  test('Databricks: the launcher runs each task as the job says, with the local outcome', async () => {
    const work = await mkdtemp(join(dir, 'databricks-'))
    const store = join(work, 'store')
    const runId = `dbx-${fail}`
    const config = { ...pipeline.targets.databricks, storage: pathToFileURL(store).href, project_path: REPO, cli: CLI, workspace_path: work }
    const files = databricksTarget.generate(pipeline, config as never)
    await writeFile(join(work, LAUNCHER_FILE), files.find((f) => f.path === LAUNCHER_FILE)!.contents)
    const job = JSON.parse(files.find((f) => f.path.endsWith('.json'))!.contents) as {
      parameters: { name: string; default: string }[]
      tasks: (DatabricksTask & { spark_python_task: { python_file: string; parameters: string[] } })[]
    }
    const parameters = { ...Object.fromEntries(job.parameters.map((p) => [p.name, p.default])), fail }
    const local = (text: string) => text.replaceAll('{{job.run_id}}', runId).replace(/\{\{job\.parameters\.(\w+)\}\}/g, (_m, name: string) => parameters[name as keyof typeof parameters] ?? '')
    const states = simulateDatabricks(job.tasks, (task) => runCommand(['python3', task.spark_python_task.python_file, ...task.spark_python_task.parameters.map(local)], work))
    const statuses = Object.fromEntries([...states].map(([id, s]) => [id, s === 'SUCCESS' ? 'succeeded' : s === 'FAILED' ? 'failed' : 'skipped']))
    const expected = await localRun({ fail }, join(work, 'local'))
    expect(statuses).toEqual(expected.statuses)
    if (expected.publish !== undefined) expect(await publishOutput(store, runId)).toEqual(expected.publish)
  })

  test('Argo: the container commands run as the DAG says, with the local outcome', async () => {
    const work = await mkdtemp(join(dir, 'argo-'))
    const store = join(work, 'store')
    const runId = `argo-${fail}`
    const config = { ...pipeline.targets.argo, storage: pathToFileURL(store).href, projectPath: REPO, cli: [process.execPath, CLI] }
    const wf = parse(argoTarget.generate(pipeline, config as never)[0]!.contents) as {
      spec: { arguments: { parameters: { name: string; value?: string }[] }; templates: { name: string; dag?: { tasks: (ArgoDagTask & { template: string; arguments?: { parameters: { name: string; value: string }[] } })[] }; container?: { command: string[] } }[] }
    }
    const parameters = { ...Object.fromEntries(wf.spec.arguments.parameters.map((p) => [p.name, p.value ?? ''])), fail }
    const templates = new Map(wf.spec.templates.map((t) => [t.name, t]))
    const dag = wf.spec.templates.find((t) => t.dag)!.dag!.tasks
    const weirId = new Map(dag.map((t) => [t.name, t.arguments?.parameters[0]!.value]))
    const phases = simulateArgo(dag, (task) => {
      if (task.name === VERDICT_TASK) return false // a suspend of zero seconds: no container
      const local = (text: string) =>
        text.replaceAll('{{workflow.uid}}', runId).replaceAll('{{inputs.parameters.task}}', weirId.get(task.name)!).replace(/\{\{workflow\.parameters\.(\w+)\}\}/g, (_m, name: string) => parameters[name as keyof typeof parameters] ?? '')
      return runCommand(templates.get(task.template)!.container!.command.map(local), work)
    })
    const statuses = Object.fromEntries([...phases].filter(([name]) => name !== VERDICT_TASK).map(([name, p]) => [weirId.get(name)!, p === 'Succeeded' ? 'succeeded' : p === 'Failed' ? 'failed' : 'skipped']))
    const expected = await localRun({ fail }, join(work, 'local'))
    expect(statuses).toEqual(expected.statuses)
    if (expected.publish !== undefined) expect(await publishOutput(store, runId)).toEqual(expected.publish)
    // The workflow fails when a task failed, although the alert that handled it, a leaf, succeeded.
    expect(argoDagPhase(dag, phases)).toBe(Object.values(expected.statuses).includes('failed') ? 'Failed' : 'Succeeded')
  })

  test('the subprocess executor runs the generated Argo container command as the template of every attempt', async () => {
    const work = await mkdtemp(join(dir, 'argo-executor-'))
    // Without storage the command has no --output-prefix: each task writes where its IoManager would,
    // and finds its upstream outputs from the run id alone, which is where the executor looks.
    const { storage: _storage, ...argo } = pipeline.targets.argo as Record<string, unknown>
    const wf = parse(argoTarget.generate(pipeline, { ...argo, projectPath: REPO, cli: [process.execPath, CLI] } as never)[0]!.contents) as {
      spec: { templates: { name: string; container?: { command: string[] } }[] }
    }
    const [template, ...others] = wf.spec.templates.filter((t) => t.container)
    expect(others).toEqual([]) // every task shares one container template
    const executor: ExecutorPlugin = { type: 'subprocess', create: (_config, env) => createSubprocessExecutor({ command: template!.container!.command }, { ...env, cwd: work }) }
    const viaEngineCommand = await localRun({ fail }, join(work, 'state'), executor)
    const inProcess = await localRun({ fail }, join(work, 'local'))
    expect(viaEngineCommand).toEqual(inProcess)
  })
})
