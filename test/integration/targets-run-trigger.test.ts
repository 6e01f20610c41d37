/**
 * `run.trigger` and `run.scheduled_at` on the engines: the commands of a scheduled pipeline's
 * generated Databricks job and Argo CronWorkflow, run here with the values the engine puts in for
 * its placeholders, give the task what `weir schedule` gives it for a fire (trigger `schedule`, the
 * fire time in the schedule's timezone), and a manual run `manual` and null. Before, the engines'
 * commands passed neither, and every scheduled run read as manual.
 */
import { afterAll, beforeAll, expect, test } from 'vitest'
import { spawnSync } from 'node:child_process'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { parse } from 'yaml'
import { loadPipeline } from '../unit/targets/support.ts'
import { databricksTarget } from '../../src/plugins/targets/databricks/index.ts'
import { argoTarget } from '../../src/plugins/targets/argo/index.ts'
import { LAUNCHER_FILE } from '../../src/plugins/targets/databricks/launcher.ts'
import type { Pipeline } from '../../src/spec/model.ts'
import { describeIfAvailable, pythonMissing } from '../support/services.ts'

const CLI = resolve('bin/weir.js')
/** 03:00 in Berlin on the day summer time starts (CEST, +02:00). */
const FIRE_ISO = '2027-03-28T03:00:00+02:00'
const FIRE_MS = Date.parse(FIRE_ISO)

let dir: string
let pipeline: Pipeline
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'weir-run-trigger-'))
  await mkdir(join(dir, 'pipelines'))
  await writeFile(join(dir, 'package.json'), '{ "type": "module" }\n')
  await writeFile(join(dir, 'h.mjs'), 'export const seen = async ({ trigger, at }) => ({ trigger, at })\n')
  await writeFile(
    join(dir, 'pipelines', 'nightly.yaml'),
    [
      'apiVersion: weir/v1', 'kind: Pipeline', 'name: nightly',
      'schedule: { cron: "0 3 * * *", timezone: Europe/Berlin }',
      'tasks:',
      '  seen: { handler: ../h.mjs#seen, inputs: { trigger: "${{ run.trigger }}", at: "${{ run.scheduled_at }}" } }',
      'targets:', '  argo: { image: x }', '  databricks: {}', '',
    ].join('\n'),
  )
  pipeline = await loadPipeline(join(dir, 'pipelines', 'nightly.yaml'))
})
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true })
})

/** Runs an argv (no shell) in the project; the task's output, read from the store. */
async function run(argv: readonly string[], store: string, runId: string): Promise<unknown> {
  const r = spawnSync(argv[0]!, argv.slice(1), { cwd: dir, encoding: 'utf8', env: { ...process.env, WEIR_NODE: process.execPath, NO_COLOR: '1' }, timeout: 60_000 })
  expect(r.status, r.stderr).toBe(0)
  return JSON.parse(await readFile(join(store, 'nightly', runId, 'seen', 'output.json'), 'utf8'))
}

test('Argo: the CronWorkflow passes the schedule and {{workflow.scheduledTime}} (RFC 3339); the WorkflowTemplate runs as manual', async () => {
  const store = join(dir, 'argo-store')
  const files = argoTarget.generate(pipeline, { image: 'x', projectPath: dir, cli: [process.execPath, CLI], storage: pathToFileURL(store).href } as never)
  type Wf = { spec: { templates: { container?: { command: string[] } }[]; workflowSpec?: Wf['spec'] } }
  const commandOf = (spec: Wf['spec']) => spec.templates.find((t) => t.container)!.container!.command
  const [template, cron] = files.map((f) => parse(f.contents) as Wf)
  const argo = (command: string[], runId: string, scheduledTime?: string) =>
    command.map((arg) => arg.replaceAll('{{workflow.uid}}', runId).replaceAll('{{inputs.parameters.task}}', 'seen').replaceAll('{{workflow.scheduledTime}}', scheduledTime ?? '{{workflow.scheduledTime}}'))
  expect(await run(argo(commandOf(cron!.spec.workflowSpec!), 'cron-1', FIRE_ISO), store, 'cron-1')).toEqual({ trigger: 'schedule', at: FIRE_ISO })
  expect(commandOf(template!.spec).join(' ')).not.toContain('--trigger')
  expect(await run(argo(commandOf(template!.spec), 'manual-1'), store, 'manual-1')).toEqual({ trigger: 'manual', at: null })
})

describeIfAvailable(pythonMissing())('Databricks', () => {
  test('one command for every run: a periodic run gets schedule and its fire time in the schedule timezone, a manual one manual and null', async () => {
    const store = join(dir, 'dbx-store')
    const work = join(dir, 'dbx')
    const files = databricksTarget.generate(pipeline, { project_path: dir, cli: CLI, workspace_path: work, storage: pathToFileURL(store).href } as never)
    await mkdir(work, { recursive: true })
    await writeFile(join(work, LAUNCHER_FILE), files.find((f) => f.path === LAUNCHER_FILE)!.contents)
    const job = JSON.parse(files.find((f) => f.path.endsWith('.json'))!.contents) as { tasks: { spark_python_task: { python_file: string; parameters: string[] } }[] }
    const task = job.tasks[0]!.spark_python_task
    const databricks = (runId: string, type: string, ms: number) => [
      'python3', task.python_file,
      ...task.parameters.map((arg) => arg.replaceAll('{{job.run_id}}', runId).replaceAll('{{job.trigger.type}}', type).replaceAll('{{job.trigger.time.timestamp_ms}}', String(ms))),
    ]
    expect(await run(databricks('41', 'periodic', FIRE_MS), store, '41')).toEqual({ trigger: 'schedule', at: FIRE_ISO })
    expect(await run(databricks('42', 'one_time', FIRE_MS + 123_456), store, '42')).toEqual({ trigger: 'manual', at: null })
    expect(await run(databricks('43', 'file_arrival', FIRE_MS), store, '43')).toEqual({ trigger: 'file_arrival', at: null })
  })
})
