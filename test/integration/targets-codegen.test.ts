/**
 * `weir codegen --target databricks|argo` with the built CLI: files land under --out, what a target
 * cannot express is shown with its position, a warning lets generation go on, an error stops it.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { spawnSync } from 'node:child_process'
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

const BIN = resolve('bin/weir.js')
let dir: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'weir-target-codegen-'))
})
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true })
})

function weir(args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 60_000 })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

describe('weir codegen for remote targets', () => {
  test('writes the bundle, the API JSON and the launcher, and shows warnings with positions', async () => {
    const out = join(dir, 'dbx')
    const r = weir(['codegen', 'test/fixtures/targets/daily_sales.yaml', '--target', 'databricks', '--out', out])
    expect(r.code, r.stderr).toBe(0)
    expect((await readdir(out, { recursive: true })).sort()).toEqual(['databricks.yml', 'jobs', 'jobs/daily_sales.json', 'resources', 'resources/daily_sales.job.yml', 'weir_launcher.py'])
    // The fixture writes only defaults.retries: the warning is there, once, not at a task.
    expect(r.stderr).toMatch(/daily_sales\.yaml:15:12: warning TARGET_UNSUPPORTED: defaults\.retries gives every task exponential backoff and jitter, .*; set 'backoff: fixed, jitter: none' in defaults\.retries/)
  })

  test('writes the WorkflowTemplate and the CronWorkflow', async () => {
    const out = join(dir, 'argo')
    expect(weir(['codegen', 'test/fixtures/targets/daily_sales.yaml', '--target', 'argo', '--out', out]).code).toBe(0)
    expect((await readdir(out)).sort()).toEqual(['daily_sales.cron-workflow.yaml', 'daily_sales.workflow-template.yaml'])
  })

  test('an error (a cron Quartz cannot express) stops generation and points at the cron', async () => {
    // A project of its own in the temp dir: handlers must resolve inside the spec's project.
    const project = join(dir, 'either-project')
    await mkdir(project, { recursive: true })
    await writeFile(join(project, 'package.json'), '{ "name": "either", "type": "module" }\n')
    await writeFile(join(project, 'handlers.ts'), 'export const ok = () => 1\n')
    const spec = join(project, 'either_day.yaml')
    await writeFile(spec, 'apiVersion: weir/v1\nkind: Pipeline\nname: either_day\ntasks:\n  a:\n    handler: ./handlers.ts#ok\nschedule:\n  cron: "0 0 1 * 1"\ntargets:\n  databricks: {}\n')
    const out = join(dir, 'either')
    const r = weir(['codegen', spec, '--target', 'databricks', '--out', out])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain(":8:9: error TARGET_UNSUPPORTED: Cron '0 0 1 * 1' restricts both day-of-month and day-of-week")
    expect(r.stderr).toContain('nothing was generated')
    await expect(readdir(out)).rejects.toThrow()
  })

  test('a param default is data: jobs/<pipeline>.json keeps ${workspace.file_path} in it, and validate says what the engines would do (#15)', async () => {
    const project = join(dir, 'values-project')
    await mkdir(project, { recursive: true })
    await writeFile(join(project, 'package.json'), '{ "name": "values", "type": "module" }\n')
    await writeFile(join(project, 'handlers.ts'), 'export const ok = () => 1\n')
    const spec = join(project, 'values.yaml')
    const value = '${workspace.file_path}/data {{task_key}}'
    await writeFile(spec, `apiVersion: weir/v1\nkind: Pipeline\nname: values\nparams:\n  path: { type: string, default: "${value}" }\ntasks:\n  a:\n    handler: ./handlers.ts#ok\ntargets:\n  databricks: { workspace_path: /Workspace/Shared/values }\n  argo: { image: x }\n`)
    const out = join(dir, 'values')
    const r = weir(['codegen', spec, '--target', 'databricks', '--out', out])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stderr).toContain(":5:34: warning TARGET_UNSUPPORTED: The default of param 'path' contains '{{' and a bundle reference '${…}'")
    const job = JSON.parse(await readFile(join(out, 'jobs/values.json'), 'utf8')) as { parameters: { default: string }[]; tasks: { spark_python_task: { parameters: string[] } }[] }
    expect(job.parameters[0]!.default).toBe(value)
    expect(job.tasks[0]!.spark_python_task.parameters).toContain('/Workspace/Shared/values/values.yaml')
    const argo = weir(['spec', 'validate', spec, '--target', 'argo'])
    expect(argo.code).toBe(1)
    expect(argo.stdout + argo.stderr).toContain(":5:34: error TARGET_UNSUPPORTED: The default of param 'path' contains '{{'")
  })

  test('spec validate --target reports the same problems with positions, as JSON too', () => {
    const r = weir(['spec', 'validate', 'test/fixtures/targets/trigger_rules.yaml', '--target', 'argo', '--format', 'json'])
    expect(r.code, r.stderr).toBe(0)
    const report = JSON.parse(r.stdout) as { files: { diagnostics: { severity: string; code: string; line: number; column: number; pointer: string }[] }[] }
    expect(report.files[0]!.diagnostics).toEqual([expect.objectContaining({ severity: 'warning', code: 'TARGET_UNSUPPORTED', line: 43, column: 12, pointer: '/schedule/overlap' })])
    expect(weir(['spec', 'validate', 'test/fixtures/targets/trigger_rules.yaml', '--target', 'nope']).code).toBe(2)
  })
  test('a mapped spec: codegen writes the list notebook too; spec validate --target databricks puts the map limits at their positions (issue 11)', async () => {
    const out = join(dir, 'mapped')
    const r = weir(['codegen', 'test/fixtures/targets/mapped_targets.yaml', '--target', 'databricks', '--out', out])
    expect(r.code, r.stderr).toBe(0)
    expect((await readdir(out)).sort()).toEqual(['databricks.yml', 'jobs', 'resources', 'weir_launcher.py', 'weir_list_items.py'])
    expect(await readFile(join(out, 'weir_list_items.py'), 'utf8')).toMatch(/^# Databricks notebook source\n/)
    const project = join(dir, 'wide-project')
    await mkdir(project, { recursive: true })
    await writeFile(join(project, 'package.json'), '{ "name": "wide", "type": "module" }\n')
    await writeFile(join(project, 'handlers.ts'), 'export function ok(): string { return "ok" }\n')
    const spec = join(project, 'wide.yaml')
    const many = `[${Array.from({ length: 10_001 }, (_, i) => i).join(', ')}]`
    await writeFile(spec, `apiVersion: weir/v1\nkind: Pipeline\nname: wide\ntasks:\n  wide:\n    handler: ./handlers.ts#ok\n    foreach: { items: [1, 2], concurrency: 200 }\n    inputs: { x: "\${{ item }}" }\n  many:\n    handler: ./handlers.ts#ok\n    foreach: ${many}\n    inputs: { x: "\${{ item }}" }\ntargets:\n  databricks: {}\n  argo: { image: x }\n`)
    const dbx = weir(['spec', 'validate', spec, '--target', 'databricks'])
    expect(dbx.code).toBe(1)
    expect(dbx.stdout + dbx.stderr).toContain(":7:44: error TARGET_UNSUPPORTED: Task 'wide' runs up to 200 items at once, but Databricks runs at most 100 iterations of a map at once")
    expect(dbx.stdout + dbx.stderr).toContain(":11:14: error TARGET_UNSUPPORTED: Task 'many' is mapped over 10,001 items, but a map on Databricks has at most 10,000")
    expect(weir(['spec', 'validate', spec, '--target', 'argo']).code).toBe(0)
  })
})
