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
import { ITEMS_NOTEBOOK_SOURCE, argParameter } from '../../../src/plugins/targets/databricks/items-notebook.ts'
import { describeIfAvailable, pythonMissing } from '../../support/services.ts'
import { NOTEBOOK_HARNESS } from '../../support/notebook-harness.ts'

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

function runNotebook(argv: string[]): { ok: boolean; values?: Record<string, unknown>; error?: string } {
  const params = Object.fromEntries(argv.map((arg, i) => [argParameter(i), arg]))
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

  test('a failing weir fails the notebook with its exit status, setting nothing', () => {
    const r = runNotebook([weir, 'execute', '--spec', spec, '--task', 'make', '--run-id', 'nb2', '--list-items'])
    expect(r).toEqual({ ok: false, error: 'weir exited with status 2' })
  })
})
