/**
 * The Databricks list notebook of a mapped task, run for real with python3 and a stand-in for the
 * notebook's `dbutils` (widgets = the task's base_parameters, taskValues records what is set): it
 * runs the real `weir execute … --list-items` from its `arg_NNN` parameters and sets the index list
 * as the task value `indexes`; a failing weir fails the notebook (an exception fails a notebook task).
 */
import { afterAll, beforeAll, expect, test } from 'vitest'
import { spawnSync } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { ITEMS_NOTEBOOK_SOURCE, NODE_PACKAGE_PARAMETER, argParameter } from '../../../src/plugins/targets/databricks/items-notebook.ts'
import { describeIfAvailable, pythonMissing } from '../../support/services.ts'
import { NOTEBOOK_HARNESS } from '../../support/notebook-harness.ts'
import { readFileSync } from 'node:fs'

/** What a weir param name may be (the spec schema): the notebook's parameter names must never be one. */
const PARAM_NAME = new RegExp((JSON.parse(readFileSync(resolve('schema/pipeline.schema.json'), 'utf8')) as { properties: { params: { propertyNames: { pattern: string } } } }).properties.params.propertyNames.pattern)

let dir: string
let notebook: string
let harness: string

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'weir-items-notebook-'))
  notebook = join(dir, 'weir_list_items.py')
  harness = join(dir, 'harness.py')
  await writeFile(notebook, ITEMS_NOTEBOOK_SOURCE)
  await writeFile(harness, NOTEBOOK_HARNESS)
})
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true })
})

/** `jobParameters`: the job's parameters, which Databricks pushes down as widgets and which win over the task's. */
function runNotebook(argv: string[], jobParameters: Record<string, string> = {}): { ok: boolean; values?: Record<string, unknown>; error?: string } {
  const params = { ...Object.fromEntries(argv.map((arg, i) => [argParameter(i), arg])), ...jobParameters }
  const r = spawnSync('python3', [harness, notebook, JSON.stringify(params)], { cwd: dir, env: { ...process.env, WEIR_NODE: process.execPath, NO_COLOR: '1' }, encoding: 'utf8', timeout: 60_000 })
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { ok: boolean }
}

describeIfAvailable(pythonMissing())('the Databricks list notebook (python3)', () => {
  const spec = resolve('test/fixtures/targets/mapped/mapped_execute.yaml')
  const weir = resolve('bin/weir.js')

  test('runs weir execute --list-items from its arg_NNN parameters and sets the index list as the task value indexes', () => {
    const r = runNotebook([weir, 'execute', '--spec', spec, '--task', 'per_day', '--run-id', 'nb1', '--state-dir', join(dir, '.weir'), '--list-items'])
    expect(r).toEqual({ ok: true, values: { indexes: [0, 1, 2] } })
  })

  test("weir params, pushed down as widgets, cannot replace the command: none can be named as the notebook's parameters", () => {
    // Every name a param can have that the notebook used to read (arg_NNN, weir_node_package).
    const params = { arg_000: '/bin/false', arg_001: 'x', arg_002: 'y', weir_node_package: 'evil-package' }
    const r = runNotebook([weir, 'execute', '--spec', spec, '--task', 'per_day', '--run-id', 'nb3', '--state-dir', join(dir, '.weir'), '--list-items'], params)
    expect(r).toEqual({ ok: true, values: { indexes: [0, 1, 2] } })
    for (const name of [argParameter(0), argParameter(999), NODE_PACKAGE_PARAMETER]) expect(name).not.toMatch(PARAM_NAME)
  })

  test('a failing weir fails the notebook with its exit status, setting nothing', () => {
    const r = runNotebook([weir, 'execute', '--spec', spec, '--task', 'make', '--run-id', 'nb2', '--list-items'])
    expect(r).toEqual({ ok: false, error: 'weir exited with status 2' })
  })
})
