/**
 * A small project for `weir ui`'s tests: a pipeline whose tasks can be slowed down (to watch a run
 * live or cancel it), made to fail (to read an error and resume), that writes a Parquet table, and
 * takes a secret param; plus an invalid spec. The server runs in the test's process from src/; runs
 * it starts are real `weir run` processes of the built CLI (bin/weir.js → dist/: `npm run build` first).
 */
import { spawn, spawnSync } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { findSpecFiles } from '../../src/cli/find-specs.ts'
import { builtinCatalog } from '../../src/plugins/catalog.ts'
import { startUiServer } from '../../src/ui/server/start-server.ts'
import type { UiServer } from '../../src/ui/server/start-server.ts'

export const WEIR_BIN = resolve('bin/weir.js')
export const SECRET = 'hunter2-very-secret'

const DEMO_SPEC = `apiVersion: weir/v1
kind: Pipeline
name: demo
description: A small pipeline for the UI tests.
params:
  fail: { type: boolean, default: false }
  delay_ms: { type: integer, minimum: 0, default: 0 }
  token: { type: string, writeOnly: true }
tasks:
  extract:
    handler: ../handlers/demo.ts#extract
    inputs: { delay: "\${{ params.delay_ms }}", token: "\${{ params.token }}" }
    values: { rows: { type: integer }, token_length: { type: integer } }
  table:
    handler: ../handlers/demo.ts#table
    output: { type: table, columns: { id: int64, name: string } }
  transform:
    handler: ../handlers/demo.ts#transform
    inputs: { data: "\${{ tasks.extract.output }}", fail: "\${{ params.fail }}" }
    retries: { max: 1, delay: 50ms }
  load:
    handler: ../handlers/demo.ts#load
    inputs: { data: "\${{ tasks.transform.output }}" }
`

const SCHEDULED_SPEC = `apiVersion: weir/v1
kind: Pipeline
name: nightly
params:
  day: { type: string, default: "2027-01-01" }
tasks:
  only: { handler: ../handlers/demo.ts#load, inputs: { data: "\${{ params.day }}" } }
schedule: { cron: "30 2 * * *", timezone: Europe/Berlin }
`

const INVALID_SPEC = `apiVersion: weir/v1
kind: Pipeline
name: broken
tasks:
  a:
    handler: ../handlers/demo.ts#load
    inputs: { x: "\${{ tasks.nope.output }}" }
`

const HANDLERS = `import { existsSync } from 'node:fs'
import { tableFromArrays } from 'apache-arrow'
export async function extract(inputs: { delay: number; token: string }, ctx: any) {
  ctx.log.info('extracting', { delay: inputs.delay })
  const end = Date.now() + inputs.delay
  while (Date.now() < end) {
    if (ctx.signal.aborted) throw new Error('aborted')
    await new Promise((r) => setTimeout(r, 100))
    ctx.log.info('still extracting')
  }
  ctx.values.set('rows', 3)
  ctx.values.set('token_length', inputs.token.length)
  return { rows: [1, 2, 3] }
}
export async function table() {
  return tableFromArrays({ id: BigInt64Array.from([1n, 2n, 3n]), name: ['a', 'b', 'c'] })
}
export async function transform(inputs: { data: { rows: number[] }; fail: boolean }, ctx: any) {
  ctx.log.info('transforming')
  // The file lets a test make a run fail, then fix the cause and resume it.
  if (inputs.fail || existsSync('FAIL_TRANSFORM')) throw new Error('transform exploded on purpose')
  return { total: inputs.data.rows.reduce((a, b) => a + b, 0) }
}
export async function load(inputs: { data: unknown }, ctx: any) {
  ctx.log.info('loaded', { data: inputs.data })
  return inputs.data
}
`

export interface UiProject {
  readonly dir: string
  readonly stateDir: string
  remove(): Promise<void>
}

/** Writes the project into a fresh temp folder (node_modules linked to this repository's, for apache-arrow). */
export async function createUiProject(): Promise<UiProject> {
  const dir = await mkdtemp(join(tmpdir(), 'weir-ui-'))
  await mkdir(join(dir, 'pipelines'))
  await mkdir(join(dir, 'handlers'))
  await writeFile(join(dir, 'package.json'), '{ "name": "ui-test-project", "type": "module" }\n')
  await symlink(resolve('node_modules'), join(dir, 'node_modules'))
  await writeFile(join(dir, 'pipelines', 'demo.yaml'), DEMO_SPEC)
  await writeFile(join(dir, 'pipelines', 'nightly.yaml'), SCHEDULED_SPEC)
  await writeFile(join(dir, 'pipelines', 'broken.yaml'), INVALID_SPEC)
  await writeFile(join(dir, 'handlers', 'demo.ts'), HANDLERS)
  return { dir, stateDir: join(dir, '.weir'), remove: () => rm(dir, { recursive: true, force: true }) }
}

/** Runs the built weir to the end in the project (params as JSON on stdin); returns its exit code and output. */
export function runWeirSync(dir: string, args: readonly string[], params: Record<string, unknown> = { token: SECRET }): { status: number | null; output: string } {
  const r = spawnSync(process.execPath, [WEIR_BIN, ...args, '--params-stdin'], { cwd: dir, input: JSON.stringify(params), encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } })
  return { status: r.status, output: r.stdout + r.stderr }
}

/** Starts `weir run` in the background, as another terminal would. */
export function startWeir(dir: string, args: readonly string[], params: Record<string, unknown> = { token: SECRET }): ChildProcess {
  const child = spawn(process.execPath, [WEIR_BIN, ...args, '--params-stdin'], { cwd: dir, stdio: ['pipe', 'ignore', 'ignore'], env: { ...process.env, NO_COLOR: '1' } })
  child.stdin!.end(JSON.stringify(params))
  return child
}

const ODDITIES_SPEC = `apiVersion: weir/v1
kind: Pipeline
name: oddities
io:
  mem: { type: memory }
tasks:
  odd_table:
    handler: ../handlers/oddities.ts#oddTable
  in_memory:
    handler: ../handlers/oddities.ts#inMemory
    io: mem
  long_log:
    handler: ../handlers/oddities.ts#longLog
`

const ODDITIES_HANDLERS = `import { Binary, DateDay, Float64, Int64, Table, TimestampMillisecond, vectorFromArray } from 'apache-arrow'
export async function oddTable() {
  return new Table({
    toJSON: vectorFromArray(['x', 'y']),
    ['__proto__']: vectorFromArray([Number.NaN, Number.NEGATIVE_INFINITY], new Float64()),
    constructor: vectorFromArray([9007199254740993n, null], new Int64()),
    day: vectorFromArray([new Date('2024-02-29'), new Date('1969-12-31')], new DateDay()),
    at: vectorFromArray([Date.UTC(2024, 1, 29, 12, 30, 0, 5), 0], new TimestampMillisecond('UTC')),
    blob: vectorFromArray([new Uint8Array([0, 255]), new Uint8Array(0)], new Binary()),
  })
}
export async function inMemory() {
  return { kept: 'in memory' }
}
export async function longLog(_inputs: unknown, ctx: any) {
  ctx.log.info('first')
  ctx.log.info('B'.repeat(100000))
}
`

/**
 * Adds a pipeline outside the folders weir ui lists (extra/oddities.yaml, so the pages' counts stay)
 * with a table whose columns are named like an object's own properties (toJSON, __proto__,
 * constructor) and hold values JSON has no word for (NaN, -Infinity, an int64 past 2^53, a date, a
 * timestamp, bytes), an output kept in memory, and a log whose last line is 100 KB long; runs it
 * and returns the run's id.
 */
export async function runOddities(project: UiProject): Promise<string> {
  await mkdir(join(project.dir, 'extra'), { recursive: true })
  await writeFile(join(project.dir, 'extra', 'oddities.yaml'), ODDITIES_SPEC)
  await writeFile(join(project.dir, 'handlers', 'oddities.ts'), ODDITIES_HANDLERS)
  const r = runWeirSync(project.dir, ['run', 'extra/oddities.yaml'], {})
  if (r.status !== 0) throw new Error(`the oddities run failed: ${r.output}`)
  return /run (\d{8}-\d{6}-[0-9a-f]+)/.exec(r.output)![1]!
}

/** Starts the UI server over the project, from src/, with the built page (dist/ui); with `accessToken` as `weir ui` starts it. */
export async function startUi(project: UiProject, assetsDir = resolve('dist/ui'), accessToken?: string): Promise<UiServer> {
  return startUiServer({
    ...(accessToken !== undefined && { accessToken }),
    paths: ['pipelines'],
    findSpecFiles: (p) => findSpecFiles(p, 'ui'),
    plugins: builtinCatalog(),
    cwd: project.dir,
    assetsDir,
    weirCommand: [process.execPath, WEIR_BIN],
  })
}

/** Polls `check` every 50 ms until it returns a value (not undefined/false), or fails after `ms`. */
export async function waitFor<T>(check: () => T | undefined | false | Promise<T | undefined | false>, what: string, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms
  for (;;) {
    const value = await check()
    if (value !== undefined && value !== false) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}
